package de.datenhafen.plugins.airquality;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Random;

/**
 * A simulated room through a school day. Occupancy follows a German timetable (lessons of 45 minutes from 8:00, short
 * breaks, a long break at 9:35 and 11:25, school out at 13:30 or 15:10), with the staff room full in the breaks and
 * the canteen at lunch; nights, weekends and empty rooms are flat. CO2 moves toward a target with a time constant: up
 * to a room-specific level while occupied (badly ventilated rooms pass 2,000 ppm), down toward outdoor air in breaks
 * when a window is opened, slowly otherwise. Temperature and humidity follow heating and people; pressure drifts.
 * Deterministic for a seed.
 */
final class SchoolDay {

    static final double OUTDOOR = 420;

    private final String kind;
    private final Random random;
    private final double occupiedLevel;
    private final double ventilateChance;
    private final boolean longDay;
    private double co2 = OUTDOOR + 30;
    private double temperature = 19.5;
    private double humidity = 42;
    private boolean windowOpen;

    SchoolDay(String kind, long seed) {
        this.kind = kind;
        this.random = new Random(seed);
        double quality = random.nextDouble();
        this.occupiedLevel = 1000 + 1900 * (1 - quality) + random.nextGaussian() * 80;
        this.ventilateChance = 0.2 + 0.7 * quality;
        this.longDay = random.nextDouble() < 0.3;
    }

    /** The room's reading after {@code dtSeconds} more, at local time {@code at}. */
    double[] next(ZonedDateTime at, double dtSeconds) {
        double occupancy = occupancy(at);
        boolean breakTime = occupancy == 0 && school(at);
        if (breakTime && !windowOpen) {
            windowOpen = random.nextDouble() < ventilateChance;
        } else if (!breakTime) {
            windowOpen = occupancy > 0 && random.nextDouble() < ventilateChance * 0.05;
        }
        double target;
        double tau;
        if (occupancy > 0) {
            target = OUTDOOR + (occupiedLevel - OUTDOOR) * occupancy;
            tau = windowOpen ? 600 : 1800;
            if (windowOpen) {
                target = Math.min(target, 900);
            }
        } else {
            target = OUTDOOR;
            tau = windowOpen ? 420 : 5400;
        }
        co2 += (target - co2) * (1 - Math.exp(-dtSeconds / tau));
        double heated = heating(at) ? 21 : 17.5;
        double tempTarget = heated + 2.0 * occupancy - (windowOpen ? 1.5 : 0);
        temperature += (tempTarget - temperature) * (1 - Math.exp(-dtSeconds / 3600));
        double humTarget = 38 + 18 * occupancy - (windowOpen ? 4 : 0);
        humidity += (humTarget - humidity) * (1 - Math.exp(-dtSeconds / 2400));
        double pressure = 1013 + 8 * Math.sin(at.toEpochSecond() / 400_000.0);
        return new double[] {
            Math.max(380, Math.round(co2 + random.nextGaussian() * 15)),
            Math.round((temperature + random.nextGaussian() * 0.1) * 100) / 100.0,
            Math.round(Math.min(99, Math.max(5, humidity + random.nextGaussian() * 0.5)) * 10) / 10.0,
            Math.round((pressure + random.nextGaussian() * 0.2) * 10) / 10.0};
    }

    private static boolean weekday(ZonedDateTime at) {
        return at.getDayOfWeek() != DayOfWeek.SATURDAY && at.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    private boolean school(ZonedDateTime at) {
        int m = at.getHour() * 60 + at.getMinute();
        return weekday(at) && m >= 7 * 60 + 50 && m < (longDay ? 15 * 60 + 10 : 13 * 60 + 30);
    }

    private static boolean heating(ZonedDateTime at) {
        return weekday(at) && at.getHour() >= 6 && at.getHour() < 17;
    }

    /** Share of the room's places taken, 0 to 1. */
    double occupancy(ZonedDateTime at) {
        if (!weekday(at)) {
            return 0;
        }
        LocalTime t = at.toLocalTime();
        boolean lesson = inLesson(t);
        return switch (kind) {
            case "staff room" -> !lesson && school(at) ? 0.8 : lesson && school(at) ? 0.15 : 0;
            case "canteen" -> t.isAfter(LocalTime.of(11, 30)) && t.isBefore(LocalTime.of(14, 0)) ? 0.7 : 0;
            default -> lesson && school(at) ? 1 : 0;
        };
    }

    private boolean inLesson(LocalTime t) {
        int m = t.getHour() * 60 + t.getMinute();
        int[][] lessons = {{480, 525}, {530, 575}, {595, 640}, {645, 690}, {710, 755}, {760, 805}, {835, 880},
            {885, 930}};
        int last = longDay ? lessons.length : 6;
        for (int i = 0; i < last; i++) {
            if (m >= lessons[i][0] && m < lessons[i][1]) {
                return true;
            }
        }
        return false;
    }
}
