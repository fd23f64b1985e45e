package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SearchRankingTest {

    @Test
    void theBoundedHeapPicksTheSamePageAsAFullSortByScoreThenDistance() {
        Random rnd = new Random(5);
        int m = 5000;
        double[] score = new double[m];
        double[] km = new double[m];
        for (int i = 0; i < m; i++) {
            score[i] = rnd.nextInt(4); // many equal scores: the distance decides
            km[i] = rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextDouble() * 5;
        }
        Comparator<Integer> rank = Comparator.<Integer>comparingDouble(i -> -score[i])
            .thenComparingDouble(i -> Double.isNaN(km[i]) ? Double.MAX_VALUE : km[i]);
        int[] expected = IntStream.range(0, m).boxed().sorted(rank).limit(50).mapToInt(Integer::intValue).toArray();
        assertThat(SearchIndex.best(score, km, m, 50)).containsExactly(expected);
        assertThat(SearchIndex.best(score, km, 3, 50)).hasSize(3);
        assertThat(SearchIndex.best(score, km, m, 0)).isEmpty();
    }
}
