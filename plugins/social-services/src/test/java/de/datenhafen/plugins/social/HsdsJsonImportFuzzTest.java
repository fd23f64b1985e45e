package de.datenhafen.plugins.social;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The HSDS JSON import takes bodies from the directory's admin (and, as one service, from organisations): whatever
 * the bytes, a dry run of it answers 200 or a clear refusal, never a 500, within bounded memory ({@link DryRunImport}).
 */
class HsdsJsonImportFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void answersValidOrAClearRefusal(byte[] body) {
        DryRunImport.assertAnswersValidOrAClearRefusal("application/json", body);
    }
}
