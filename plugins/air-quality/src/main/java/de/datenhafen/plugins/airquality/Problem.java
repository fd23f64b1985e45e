package de.datenhafen.plugins.airquality;

/**
 * Why one reading of a request or message was refused: its index in the batch, the device it claimed to come from
 * ({@code null} if it named none), the field at fault and what is wrong with it.
 */
record Problem(int index, String device, String field, String error) {

    @Override
    public String toString() {
        return "[" + index + "] device " + device + ", " + field + ": " + error;
    }
}
