package dev.engram.extraction.internal.extract;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves relative and partial dates in a clause against the turn's date and rewrites them as
 * absolute dates ("yesterday" → "on 7 May 2023", "next month" → "in June 2023", "two weeks ago"
 * → "around 24 April 2023"). The conventions are in {@code docs/extraction.md}: weeks start on
 * Monday; "last/next Friday" is the nearest Friday strictly before/after the reference day; a
 * month or month-day without a year is the nearest such date, biased by the clause's tense.
 * Stateless and thread-safe.
 */
public final class DateResolver {

    /** How precise a resolved date is; the event time is the start of the period. */
    public enum Granularity { DAY, WEEKEND, WEEK, MONTH, SEASON, YEAR, APPROXIMATE }

    /** One resolved expression: {@code [start, end)} of the clause is replaced by {@code replacement}. */
    public record Resolution(int start, int end, String replacement, LocalDate date, Granularity granularity) {}

    /** The rewritten clause and its resolutions, in order. */
    public record Result(String text, List<Resolution> resolutions) {
        /** The first resolved date, or null. */
        public LocalDate firstDate() {
            return resolutions.isEmpty() ? null : resolutions.get(0).date();
        }
    }

    private static final String PREP =
            "(?:\\b(?<prep>on|in|during|over|at|since|until|till|by|before|after|from|starting|through)\\s+)?";
    private static final String COUNT =
            "(?<n>\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of|a couple|couple of|several)";
    private static final String MONTHS_RX =
            "(?<month>January|February|March|April|May|June|July|August|September|October|November|December|"
                    + "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
    private static final String WEEKDAYS_RX = "(?<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private static final String MOD = "(?<mod>this past|this coming|last|this|next|coming|past)";
    private static final Set<String> KEEP_PREP =
            Set.of("since", "until", "till", "by", "before", "after", "from", "starting", "through");
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("a", 1), Map.entry("an", 1), Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3),
            Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7),
            Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11),
            Map.entry("twelve", 12), Map.entry("a few", 3), Map.entry("a couple of", 2), Map.entry("a couple", 2),
            Map.entry("couple of", 2), Map.entry("several", 3));

    private enum Kind { DAY_OFFSET, WEEKEND, WEEK, MONTH, YEAR, SEASON, AGO, IN_FUTURE, WEEKDAY, MONTH_DAY, DAY_MONTH,
        MONTH_ONLY, YEAR_ONLY, OTHER_DAY }

    private record Rule(Kind kind, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            rule(Kind.DAY_OFFSET, PREP + "\\b(?<word>the day before yesterday|the day after tomorrow|yesterday(?: morning| afternoon| evening)?"
                    + "|last night|earlier today|today|tonight|this morning|this afternoon|this evening"
                    + "|tomorrow(?: morning| afternoon| evening| night)?)\\b"),
            rule(Kind.WEEKEND, PREP + "\\b(?:" + MOD + "\\s+|the\\s+)weekend\\b"),
            rule(Kind.WEEK, PREP + "\\b" + MOD + "\\s+week\\b"),
            rule(Kind.MONTH, PREP + "\\b(?<mod>last|this|next)\\s+month\\b"),
            rule(Kind.YEAR, PREP + "\\b(?<mod>last|this|next)\\s+year\\b"),
            rule(Kind.SEASON, PREP + "\\b" + MOD + "\\s+(?<season>spring|summer|fall|autumn|winter)\\b"),
            rule(Kind.AGO, PREP + "\\b" + COUNT + "\\s+(?<unit>day|week|month|year)s?\\s+ago\\b"),
            rule(Kind.IN_FUTURE, "\\bin\\s+" + COUNT + "\\s+(?<unit>day|week|month|year)s?\\b(?!\\s+ago)"),
            rule(Kind.WEEKDAY, PREP + "\\b(?:" + MOD + "\\s+)?" + WEEKDAYS_RX + "\\b(?!s\\b)"),
            rule(Kind.MONTH_DAY, PREP + "(?-i)\\b" + MONTHS_RX + "\\.?\\s+(?<day>[0-3]?\\d)(?:st|nd|rd|th)?\\b(?:,?\\s+(?<year>(?:19|20)\\d\\d)\\b)?"),
            rule(Kind.DAY_MONTH, PREP + "(?:the\\s+)?\\b(?<day>[0-3]?\\d)(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?-i)" + MONTHS_RX + "\\b(?:,?\\s+(?<year>(?:19|20)\\d\\d)\\b)?"),
            rule(Kind.MONTH_ONLY, "(?:\\b(?:in\\s+(?=(?:early|late|mid)\\b))?(?<prep>in|during|since|until|till|by|before|after|from|through|" + "last|next|this|early|late|mid)\\s+)"
                    + "(?-i)" + MONTHS_RX + "\\b(?:\\s+(?<year>(?:19|20)\\d\\d)\\b)?"),
            rule(Kind.YEAR_ONLY, "\\b(?<prep>in|since|during)\\s+(?<year>(?:19|20)\\d\\d)\\b"),
            rule(Kind.OTHER_DAY, PREP + "\\bthe other day\\b"));

    private static Rule rule(Kind kind, String regex) {
        return new Rule(kind, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
    }

    private DateResolver() {}

    /** Resolves every date expression in {@code clause} against {@code ref}. */
    public static Result resolve(String clause, LocalDate ref, Tense tense) {
        List<Resolution> found = new ArrayList<>();
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(clause);
            while (m.find()) {
                if (m.end() == m.start() || isRecurring(clause, m.start())) {
                    continue;
                }
                Resolution r = resolveOne(rule.kind(), m, ref, tense);
                if (r != null) {
                    found.add(r);
                }
            }
        }
        found.sort(Comparator.comparingInt(Resolution::start).thenComparingInt(r -> -(r.end() - r.start())));
        List<Resolution> kept = new ArrayList<>();
        int lastEnd = -1;
        for (Resolution r : found) {
            if (r.start() >= lastEnd) {
                kept.add(r);
                lastEnd = r.end();
            }
        }
        StringBuilder out = new StringBuilder();
        int pos = 0;
        for (Resolution r : kept) {
            out.append(clause, pos, r.start()).append(r.replacement());
            pos = r.end();
        }
        out.append(clause.substring(pos));
        return new Result(out.toString(), List.copyOf(kept));
    }

    /** "every Tuesday and Saturday", "each weekend", "some Saturday": recurring or indefinite, not a date. */
    private static boolean isRecurring(String clause, int start) {
        String before = clause.substring(Math.max(0, start - 40), start).toLowerCase(Locale.ROOT);
        return RECURRING.matcher(before).find();
    }

    private static final Pattern RECURRING = Pattern.compile(
            "(?:\\b(?:every|each|some|any|one|a)\\s+(?:other\\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\\s*(?:,|and|or|&)\\s*)*|\\bon\\s+(?:a|some)\\s+)$");

    private static Resolution resolveOne(Kind kind, Matcher m, LocalDate ref, Tense tense) {
        String prep = group(m, "prep");
        String mod = lower(group(m, "mod"));
        LocalDate date;
        Granularity g;
        String custom = null;
        switch (kind) {
            case DAY_OFFSET -> {
                String w = m.group("word").toLowerCase(Locale.ROOT);
                int off = w.startsWith("the day before") ? -2 : w.startsWith("the day after") ? 2
                        : w.startsWith("yesterday") || w.equals("last night") ? -1 : w.startsWith("tomorrow") ? 1 : 0;
                date = ref.plusDays(off);
                g = Granularity.DAY;
            }
            case WEEKEND -> {
                date = weekend(ref, mod, tense);
                g = Granularity.WEEKEND;
            }
            case WEEK -> {
                LocalDate monday = ref.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                date = switch (mod) {
                    case "last", "past", "this past" -> monday.minusWeeks(1);
                    case "next", "coming", "this coming" -> monday.plusWeeks(1);
                    default -> monday;
                };
                g = Granularity.WEEK;
            }
            case MONTH -> {
                YearMonth ym = YearMonth.from(ref).plusMonths(mod.equals("last") ? -1 : mod.equals("next") ? 1 : 0);
                date = ym.atDay(1);
                g = Granularity.MONTH;
            }
            case YEAR -> {
                date = LocalDate.of(ref.getYear() + (mod.equals("last") ? -1 : mod.equals("next") ? 1 : 0), 1, 1);
                g = Granularity.YEAR;
            }
            case SEASON -> {
                date = season(ref, mod, lower(m.group("season")));
                g = Granularity.SEASON;
                String word = m.group("season").toLowerCase(Locale.ROOT);
                custom = word + " " + seasonYear(date);
            }
            case AGO, IN_FUTURE -> {
                String count = m.group("n").toLowerCase(Locale.ROOT);
                int n = count.matches("\\d+") ? Integer.parseInt(count) : NUMBERS.get(count);
                int sign = kind == Kind.AGO ? -1 : 1;
                String unit = m.group("unit").toLowerCase(Locale.ROOT);
                ChronoUnit cu = switch (unit) {
                    case "day" -> ChronoUnit.DAYS;
                    case "week" -> ChronoUnit.WEEKS;
                    case "month" -> ChronoUnit.MONTHS;
                    default -> ChronoUnit.YEARS;
                };
                date = ref.plus((long) sign * n, cu);
                boolean fuzzy = !count.matches("\\d+") && NUMBERS.get(count) > 1 && !isExactWord(count);
                if (fuzzy) {
                    g = Granularity.APPROXIMATE;
                    custom = count + " " + unit + "s " + (sign < 0 ? "before " : "after ") + format(ref);
                    prep = null;
                } else {
                    g = switch (cu) {
                        case DAYS -> Granularity.DAY;
                        case WEEKS -> Granularity.APPROXIMATE;
                        case MONTHS -> Granularity.MONTH;
                        default -> Granularity.YEAR;
                    };
                    if (g == Granularity.MONTH) {
                        date = date.withDayOfMonth(1);
                    } else if (g == Granularity.YEAR) {
                        date = date.withDayOfYear(1);
                    }
                }
            }
            case WEEKDAY -> {
                DayOfWeek wd = DayOfWeek.valueOf(m.group("wd").toUpperCase(Locale.ROOT));
                date = weekday(ref, wd, mod, tense);
                g = Granularity.DAY;
                custom = wd.getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + format(date);
            }
            case MONTH_DAY, DAY_MONTH -> {
                Month month = month(m.group("month"));
                int day = Integer.parseInt(m.group("day"));
                if (day < 1 || day > 31) {
                    return null;
                }
                String year = group(m, "year");
                date = year != null ? safeDate(Integer.parseInt(year), month, day) : nearestDay(ref, month, day, tense);
                if (date == null) {
                    return null;
                }
                g = Granularity.DAY;
            }
            case MONTH_ONLY -> {
                Month month = month(m.group("month"));
                String year = group(m, "year");
                String p = lower(prep);
                YearMonth ym;
                if (year != null) {
                    ym = YearMonth.of(Integer.parseInt(year), month);
                } else if (p.equals("last")) {
                    ym = YearMonth.of(ref.getYear(), month);
                    if (!ym.isBefore(YearMonth.from(ref))) {
                        ym = ym.minusYears(1);
                    }
                } else if (p.equals("next")) {
                    ym = YearMonth.of(ref.getYear(), month);
                    if (!ym.isAfter(YearMonth.from(ref))) {
                        ym = ym.plusYears(1);
                    }
                } else if (p.equals("this")) {
                    ym = YearMonth.of(ref.getYear(), month);
                } else {
                    ym = nearestMonth(ref, month, tense);
                }
                if (Set.of("last", "next", "this").contains(p)) {
                    prep = null;
                } else if (Set.of("early", "late", "mid").contains(p)) {
                    custom = p + " " + monthName(ym.getMonth()) + " " + ym.getYear();
                    prep = "in";
                }
                date = ym.atDay(1);
                g = Granularity.MONTH;
            }
            case YEAR_ONLY -> {
                date = LocalDate.of(Integer.parseInt(m.group("year")), 1, 1);
                g = Granularity.YEAR;
            }
            case OTHER_DAY -> {
                date = ref.minusDays(3);
                g = Granularity.APPROXIMATE;
                custom = "a few days before " + format(ref);
                prep = null;
            }
            default -> throw new AssertionError(kind);
        }
        String bare = custom != null ? custom : bare(date, g);
        String lead;
        if (prep != null && KEEP_PREP.contains(prep.toLowerCase(Locale.ROOT))) {
            lead = prep + " ";
        } else if (kind == Kind.OTHER_DAY || (kind == Kind.AGO || kind == Kind.IN_FUTURE) && g == Granularity.APPROXIMATE && custom != null) {
            lead = "";
        } else {
            lead = defaultPrep(g) + " ";
        }
        return new Resolution(m.start(), m.end(), lead + bare, date, g);
    }

    private static boolean isExactWord(String count) {
        return !count.contains("few") && !count.contains("couple") && !count.equals("several");
    }

    private static LocalDate weekend(LocalDate ref, String mod, Tense tense) {
        DayOfWeek d = ref.getDayOfWeek();
        boolean inWeekend = d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
        LocalDate current = ref.with(TemporalAdjusters.previousOrSame(DayOfWeek.SATURDAY)); // this or last Saturday
        LocalDate previous = inWeekend ? current.minusWeeks(1) : current;
        LocalDate upcoming = inWeekend ? current : ref.with(TemporalAdjusters.next(DayOfWeek.SATURDAY));
        return switch (mod) {
            case "last", "past", "this past" -> previous;
            case "next" -> ref.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).plusWeeks(1).plusDays(5);
            case "this", "coming", "this coming" -> tense == Tense.PAST && !inWeekend ? previous : upcoming;
            default -> tense == Tense.FUTURE ? upcoming : inWeekend ? current : previous; // "the weekend"
        };
    }

    private static LocalDate weekday(LocalDate ref, DayOfWeek wd, String mod, Tense tense) {
        LocalDate before = ref.with(TemporalAdjusters.previous(wd));
        LocalDate after = ref.with(TemporalAdjusters.next(wd));
        return switch (mod) {
            case "last", "past", "this past" -> before;
            case "next" -> after;
            case "this", "coming", "this coming" -> tense == Tense.PAST
                    ? ref.with(TemporalAdjusters.previousOrSame(wd))
                    : ref.with(TemporalAdjusters.nextOrSame(wd));
            default -> switch (tense) {
                case PAST -> before;
                case FUTURE -> after;
                case NONE -> ChronoUnit.DAYS.between(before, ref) <= ChronoUnit.DAYS.between(ref, after) ? before : after;
            };
        };
    }

    private static LocalDate season(LocalDate ref, String mod, String season) {
        int startMonth = switch (season) {
            case "spring" -> 3;
            case "summer" -> 6;
            case "fall", "autumn" -> 9;
            default -> 12;
        };
        LocalDate currentStart = seasonStart(ref);
        LocalDate thisYears = LocalDate.of(ref.getYear(), startMonth, 1);
        if (startMonth == 12 && ref.getMonthValue() <= 2) {
            thisYears = thisYears.minusYears(1); // January is in the winter that began last December
        }
        return switch (mod) {
            case "last", "past", "this past" -> thisYears.isBefore(currentStart) ? thisYears : thisYears.minusYears(1);
            case "next", "coming", "this coming" -> thisYears.isAfter(ref) ? thisYears : thisYears.plusYears(1);
            default -> thisYears;
        };
    }

    private static LocalDate seasonStart(LocalDate d) {
        int m = d.getMonthValue();
        int start = m >= 12 || m <= 2 ? 12 : m >= 9 ? 9 : m >= 6 ? 6 : 3;
        int year = m <= 2 ? d.getYear() - 1 : d.getYear();
        return LocalDate.of(year, start, 1);
    }

    private static int seasonYear(LocalDate start) {
        return start.getYear();
    }

    private static LocalDate nearestDay(LocalDate ref, Month month, int day, Tense tense) {
        LocalDate best = null;
        long bestScore = Long.MAX_VALUE;
        for (int y = ref.getYear() - 1; y <= ref.getYear() + 1; y++) {
            LocalDate c = safeDate(y, month, day);
            if (c == null) {
                continue;
            }
            long dist = Math.abs(ChronoUnit.DAYS.between(ref, c));
            if ((tense == Tense.PAST && c.isAfter(ref)) || (tense == Tense.FUTURE && c.isBefore(ref))) {
                dist += 120;
            }
            if (dist < bestScore) {
                bestScore = dist;
                best = c;
            }
        }
        return best;
    }

    private static YearMonth nearestMonth(LocalDate ref, Month month, Tense tense) {
        YearMonth now = YearMonth.from(ref);
        YearMonth best = null;
        long bestScore = Long.MAX_VALUE;
        for (int y = ref.getYear() - 1; y <= ref.getYear() + 1; y++) {
            YearMonth c = YearMonth.of(y, month);
            long dist = Math.abs(ChronoUnit.MONTHS.between(now, c));
            if ((tense == Tense.PAST && c.isAfter(now)) || (tense == Tense.FUTURE && c.isBefore(now))) {
                dist += 4;
            }
            if (dist < bestScore) {
                bestScore = dist;
                best = c;
            }
        }
        return best;
    }

    private static LocalDate safeDate(int year, Month month, int day) {
        return day <= month.length(java.time.Year.isLeap(year)) ? LocalDate.of(year, month, day) : null;
    }

    private static Month month(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Month m : Month.values()) {
            if (m.name().toLowerCase(Locale.ROOT).startsWith(n.length() >= 3 ? n.substring(0, 3) : n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("not a month: " + name);
    }

    private static String bare(LocalDate date, Granularity g) {
        return switch (g) {
            case DAY, APPROXIMATE -> format(date);
            case WEEKEND -> "the weekend of " + format(date);
            case WEEK -> "the week of " + format(date);
            case MONTH -> monthName(date.getMonth()) + " " + date.getYear();
            case SEASON -> throw new AssertionError("seasons are formatted by the caller");
            case YEAR -> Integer.toString(date.getYear());
        };
    }

    private static String defaultPrep(Granularity g) {
        return switch (g) {
            case DAY, WEEKEND -> "on";
            case APPROXIMATE -> "around";
            default -> "in";
        };
    }

    /** "7 May 2023": the format memory texts use (and LoCoMo answers use). */
    public static String format(LocalDate date) {
        return date.getDayOfMonth() + " " + monthName(date.getMonth()) + " " + date.getYear();
    }

    private static String monthName(Month m) {
        return m.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static String group(Matcher m, String name) {
        try {
            return m.group(name);
        } catch (IllegalArgumentException noSuchGroup) {
            return null;
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
