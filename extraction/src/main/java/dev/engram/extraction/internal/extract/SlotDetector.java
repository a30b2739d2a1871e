package dev.engram.extraction.internal.extract;

import dev.engram.extraction.extract.MemoryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds single-valued attributes in a first-person clause and names them with slot keys
 * ({@code user.location}, {@code person.jonas.pet.dog.name}, …) so that a later value supersedes an
 * earlier one. Some matches produce a canonical memory of their own ("my husband Tom" → "The
 * user's husband is named Tom"); others only tag the clause's own memory with the key ("I moved to
 * Providence in July"). Stateless and thread-safe.
 */
public final class SlotDetector {

    /**
     * One attribute found.
     *
     * @param attribute the slot key without the subject prefix ({@code location})
     * @param value     the attribute value as written
     * @param text      a canonical memory text, or null when the clause's own memory carries the slot
     * @param kind      the memory kind of the canonical text
     */
    public record SlotMatch(String attribute, String value, String text, MemoryKind kind) {}

    private static final String NAME = "(?<v>(?:(?:Dr|Mr|Mrs|Ms|Prof)\\.?\\s+)?\\p{Lu}[\\p{L}'-]+(?:\\s+\\p{Lu}[\\p{L}'.-]*){0,2})";
    private static final String PLACE = "(?<v>(?:the\\s+)?\\p{Lu}[\\p{L}.'-]*(?:\\s+(?:of\\s+|de\\s+|del\\s+|upon\\s+)?\\p{Lu}[\\p{L}.'-]*){0,3})";
    private static final String ORG = "(?<v>\\p{Lu}[\\p{L}\\d.'&-]*(?:\\s+(?:of\\s+|&\\s+|and\\s+)?\\p{Lu}[\\p{L}\\d.'&-]*){0,4}(?:\\s+in\\s+\\p{Lu}[\\p{L}.'-]*(?:\\s+\\p{Lu}[\\p{L}.'-]*)?)?)";
    private static final String REL = String.join("|", Lexicon.RELATIVES);
    private static final String PET = String.join("|", Lexicon.PETS);
    private static final String ROLE = String.join("|", Lexicon.CONTACT_ROLES);
    private static final String I_AM = "\\b(?:I'm|I am|i'm|im)\\s+";

    private static Pattern p(String rx) {
        return Pattern.compile(rx);
    }

    private static final Pattern NAME_IS = p("(?i:\\bmy name(?:'s| is)\\s+|\\bI'?m called\\s+|\\bI am called\\s+)" + NAME);
    private static final Pattern NICKNAME = p("(?i:\\b(?:call|calls|called)\\s+me\\s+)" + NAME);
    private static final Pattern AGE = p("(?i:" + I_AM + "|\\bI turned\\s+)(?<v>\\d{1,3})(?i:\\s+years?\\s+old)?(?![\\w%.,]*\\s*(?:minutes|hours|kg|km|lbs|miles|percent|%|times|days|weeks|months|in\\b))\\b");
    private static final Pattern LIVES = p("(?i:\\bI\\s+(?:currently\\s+|now\\s+|still\\s+)?(?:live|reside|am living|am based|am located)\\s+in\\s+|"
            + I_AM + "(?:currently\\s+|now\\s+)?(?:living|based|located)\\s+in\\s+)" + PLACE);
    private static final Pattern MOVED = p("(?i:\\bI\\s+(?:just\\s+|recently\\s+|finally\\s+)?(?:moved|relocated)\\s+(?:back\\s+)?to\\s+)" + PLACE);
    private static final Pattern ORIGIN = p("(?i:" + I_AM + "(?:originally\\s+)?from\\s+|\\bI\\s+(?:originally\\s+)?come\\s+from\\s+|\\bI\\s+grew\\s+up\\s+in\\s+)" + PLACE);
    private static final Pattern WORK_AS = p("(?i:\\bI\\s+(?:currently\\s+|now\\s+)?work\\s+as\\s+(?:an?\\s+|the\\s+)?)(?<v>[\\p{L} -]+?)(?=\\s+(?:at|for|in|with)\\b|[,.;!]|$|\\s+and\\b)");
    private static final Pattern I_AM_A = p("(?i:" + I_AM + "(?:now\\s+|currently\\s+|still\\s+)?(?:an?\\s+|the\\s+)?)(?<v>(?:[\\p{L}-]+\\s+){0,2}[\\p{L}-]+?)(?=\\s+(?:at|for|in|with|and|who|but)\\b|[,.;!]|$)");
    private static final Pattern JOB_IS = p("(?i:\\bmy\\s+(?:job|profession|occupation)\\s+is\\s+(?:an?\\s+)?)(?<v>[\\p{L} -]+?)(?=[,.;!]|$|\\s+at\\b)");
    private static final Pattern WORK_AT = p("(?i:\\bI\\s+(?:currently\\s+|now\\s+|still\\s+)?work\\s+(?:as\\s+[\\p{L} -]+?\\s+)?(?:at|for)\\s+)" + ORG);
    private static final Pattern JOB_AT = p("(?i:\\b(?:job|position|role|internship|career)\\s+(?:at|with)\\s+)" + ORG);
    private static final Pattern PROF_AT = p("(?i:" + I_AM + "(?:now\\s+)?(?:an?\\s+|the\\s+)?[\\p{L} -]+?\\s+(?:at|for)\\s+)" + ORG);
    private static final Pattern DIET = p("(?i:" + I_AM + "(?:now\\s+|also\\s+|strictly\\s+|a\\s+|an\\s+)*)" + "(?<v>vegetarian|vegan|pescatarian|pescetarian|keto|paleo|gluten[- ]free|lactose[- ]intolerant|dairy[- ]free|halal|kosher|celiac|coeliac|diabetic|plant[- ]based)\\b");
    private static final Pattern NO_EAT = p("(?i:\\bI\\s+(?:don't|do not|never|can't|cannot)\\s+eat\\s+)(?<v>[\\p{L} -]+?)(?=[,.;!]|$|\\s+but\\b|\\s+and\\b|\\s+anymore\\b)");
    private static final Pattern ALLERGY = p("(?i:" + I_AM + "(?:severely\\s+|very\\s+|also\\s+|mildly\\s+)?allergic\\s+to\\s+)(?<v>[\\p{L} -]+?)(?=[,.;!]|$|\\s+and\\b|\\s+so\\b|\\s+but\\b)");
    private static final Pattern FAMILY = p("(?i:\\b(?:my|our)\\s+(?:little\\s+|older\\s+|younger\\s+|big\\s+|baby\\s+|twin\\s+)?)(?<rel>(?i:" + REL + "))(?:,)?\\s+(?i:(?:is\\s+)?(?:named|called)\\s+)?" + NAME);
    private static final Pattern FAMILY_REVERSE = p(NAME + "(?i:\\s+is\\s+my\\s+)(?<rel>(?i:" + REL + "))\\b");
    private static final Pattern PET_NAMED = p("(?i:\\b(?:my|our|a|an)\\s+(?:[\\p{L}-]+\\s+){0,2})(?<pet>(?i:" + PET + "))(?:,)?\\s+(?i:(?:is\\s+)?(?:named|called)\\s+)" + NAME);
    private static final Pattern MY_PET = p("(?i:\\b(?:my|our)\\s+)(?<pet>(?i:" + PET + "))(?:,)?\\s+" + NAME);
    /** "Oscar, my guinea pig", "Luis, my brother": a name followed by its role. */
    private static final Pattern APPOSITIVE_PET = p(NAME + ",\\s+(?i:(?:my|our)\\s+(?:[\\p{L}-]+\\s+){0,2}?)(?<pet>(?i:" + PET + "))\\b");
    private static final Pattern APPOSITIVE_FAMILY = p(NAME + ",\\s+(?i:(?:my|our)\\s+(?:little\\s+|older\\s+|younger\\s+|big\\s+)?)(?<rel>(?i:" + REL + "))\\b");
    private static final Pattern CHILDREN = p("(?i:\\b(?:I|we)\\s+have\\s+)(?<v>\\d+|two|three|four|five|six|one|a)(?i:\\s+(?:little\\s+|young\\s+)?)(?<what>(?i:kids|children|sons|daughters|boys|girls|kid|child|son|daughter))\\b");
    private static final Pattern STATUS = p("(?i:" + I_AM + "(?:now\\s+|happily\\s+|recently\\s+)?)(?<v>single|married|divorced|engaged|widowed|separated)\\b");
    private static final Pattern CONTACT = p("(?i:\\bmy\\s+)(?<role>(?i:" + ROLE + "))(?:,)?\\s+" + NAME);
    private static final Pattern FAVORITE = p("(?i:\\b(?:my|our)\\s+(?:all-time\\s+|absolute\\s+|very\\s+)?favou?rite\\s+)(?<topic>[\\p{L} ]{1,30}?)(?i:\\s+(?:is|are|was|has to be|would be)\\s+)(?<v>[^,.;!?]+)");
    private static final Pattern FAVORITE_REVERSE = p("(?<v>[^,.;!?]{1,60}?)(?i:\\s+(?:is|are)\\s+(?:my|our)\\s+(?:all-time\\s+|absolute\\s+)?favou?rite\\s+)(?<topic>[\\p{L}]+(?:\\s+[\\p{L}]+)?)");
    private static final Pattern BIRTHDAY = p("(?i:\\bmy\\s+birthday\\s+is\\s+(?:on\\s+)?)(?<v>[^,.;!?]+)");

    private SlotDetector() {}

    /** The attributes stated in {@code clause} (first-person English, original wording). */
    public static List<SlotMatch> detect(String clause, Subject s) {
        List<SlotMatch> out = new ArrayList<>();
        String l = clause.toLowerCase(Locale.ROOT); // literal guards skip most patterns cheaply
        boolean mine = l.contains("my ") || l.contains("our ");
        Matcher m;
        if ((l.contains("name") || l.contains("called")) && (m = NAME_IS.matcher(clause)).find()) {
            out.add(canon("name", m.group("v"), s.possessive() + " name is " + m.group("v"), MemoryKind.FACT, s));
        }
        if (l.contains("call") && (m = NICKNAME.matcher(clause)).find()) {
            out.add(canon("nickname", m.group("v"), s.name() + " is called " + m.group("v"), MemoryKind.FACT, s));
        }
        if (hasDigit(l) && (m = AGE.matcher(clause)).find()) {
            int age = Integer.parseInt(m.group("v"));
            if (age >= 1 && age <= 120) {
                out.add(canon("age", m.group("v"), s.name() + " is " + age + " years old", MemoryKind.FACT, s));
            }
        }
        if ((l.contains("liv") || l.contains("resid") || l.contains("based") || l.contains("located")) && (m = LIVES.matcher(clause)).find()) {
            out.add(canon("location", m.group("v"), s.name() + " lives in " + m.group("v"), MemoryKind.FACT, s));
        } else if ((l.contains("moved") || l.contains("relocated")) && (m = MOVED.matcher(clause)).find()) {
            out.add(tag("location", m.group("v")));
        }
        if ((l.contains("from") || l.contains("grew up")) && (m = ORIGIN.matcher(clause)).find()) {
            out.add(canon("origin", m.group("v"), s.name() + " is from " + m.group("v"), MemoryKind.FACT, s));
        }
        String job = null;
        if (l.contains("work") && (m = WORK_AS.matcher(clause)).find()) {
            job = m.group("v").strip();
        } else if ((l.contains("job") || l.contains("profession") || l.contains("occupation")) && (m = JOB_IS.matcher(clause)).find()) {
            job = m.group("v").strip();
        } else if ((m = I_AM_A.matcher(clause)).find() && isProfession(m.group("v"))) {
            job = m.group("v").strip();
        }
        if (job != null) {
            out.add(canon("job", job, s.name() + " works as " + article(job) + job, MemoryKind.FACT, s));
        }
        String employer = null;
        if (l.contains("work") && (m = WORK_AT.matcher(clause)).find()) {
            employer = m.group("v");
        } else if ((l.contains("job") || l.contains("position") || l.contains("role") || l.contains("internship") || l.contains("career")) && (m = JOB_AT.matcher(clause)).find()) {
            employer = m.group("v");
        } else if (job != null && (m = PROF_AT.matcher(clause)).find()) {
            employer = m.group("v");
        }
        if (employer != null) {
            out.add(canon("employer", employer, s.name() + " works at " + employer, MemoryKind.FACT, s));
        }
        if ((m = DIET.matcher(clause)).find()) {
            out.add(tag("diet", m.group("v")));
        } else if (l.contains("eat") && (m = NO_EAT.matcher(clause)).find()) {
            out.add(tag("diet", "no " + m.group("v")));
        }
        if (l.contains("allergic") && (m = ALLERGY.matcher(clause)).find()) {
            out.add(tag("allergy." + Lexicon.slug(m.group("v")), m.group("v")));
        }
        m = FAMILY.matcher(clause);
        while (mine && m.find()) {
            String rel = normalizeRelative(m.group("rel"));
            String name = trimName(m.group("v"));
            if (name != null) {
                out.add(canon("family." + rel + ".name", name, s.possessive() + " " + rel + " is named " + name, MemoryKind.FACT, s));
            }
        }
        if (l.contains(" is my ") && (m = FAMILY_REVERSE.matcher(clause)).find()) {
            String rel = normalizeRelative(m.group("rel"));
            out.add(canon("family." + rel + ".name", m.group("v"), s.possessive() + " " + rel + " is named " + m.group("v"), MemoryKind.FACT, s));
        }
        if (mine && (m = APPOSITIVE_FAMILY.matcher(clause)).find()) {
            String rel = normalizeRelative(m.group("rel"));
            out.add(canon("family." + rel + ".name", m.group("v"), s.possessive() + " " + rel + " is named " + m.group("v"), MemoryKind.FACT, s));
        }
        if (((l.contains("named") || l.contains("called")) && (m = PET_NAMED.matcher(clause)).find())
                || (mine && (m = MY_PET.matcher(clause)).find())
                || (mine && (m = APPOSITIVE_PET.matcher(clause)).find())) {
            String pet = m.group("pet").toLowerCase(Locale.ROOT);
            String name = trimName(m.group("v"));
            if (name != null) {
                out.add(canon("pet." + Lexicon.slug(pet) + ".name", name, s.name() + " has a " + pet + " named " + name, MemoryKind.FACT, s));
            }
        }
        if (l.contains("have") && (m = CHILDREN.matcher(clause)).find()) {
            out.add(tag("family.children", m.group("v") + " " + m.group("what")));
        }
        if ((m = STATUS.matcher(clause)).find()) {
            out.add(tag("relationship_status", m.group("v")));
        }
        m = CONTACT.matcher(clause);
        while (l.contains("my ") && m.find()) {
            String role = m.group("role").toLowerCase(Locale.ROOT);
            String name = trimName(m.group("v"));
            if (name != null) {
                out.add(canon(role + ".name", name, s.possessive() + " " + role + " is " + name, MemoryKind.FACT, s));
            }
        }
        if (l.contains("favo") && ((m = FAVORITE.matcher(clause)).find() || (m = FAVORITE_REVERSE.matcher(clause)).find())) {
            out.add(new SlotMatch("preference." + Lexicon.topicOf(lastWord(m.group("topic"))), m.group("v").strip(), null, MemoryKind.PREFERENCE));
        }
        if (l.contains("birthday") && (m = BIRTHDAY.matcher(clause)).find()) {
            out.add(tag("birthday", m.group("v")));
        }
        return out;
    }

    /**
     * The canonical text of {@code attribute} with a new value: used for corrections that give only
     * the value ("actually, it's Lisbon"). Null when the attribute has no simple template.
     */
    public static String template(String attribute, String value, Subject s) {
        if (attribute.equals("location")) {
            return s.name() + " lives in " + value;
        } else if (attribute.equals("origin")) {
            return s.name() + " is from " + value;
        } else if (attribute.equals("employer")) {
            return s.name() + " works at " + value;
        } else if (attribute.equals("job")) {
            return s.name() + " works as " + article(value) + value;
        } else if (attribute.equals("name")) {
            return s.possessive() + " name is " + value;
        } else if (attribute.equals("nickname")) {
            return s.name() + " is called " + value;
        } else if (attribute.equals("age")) {
            return s.name() + " is " + value + " years old";
        } else if (attribute.equals("diet")) {
            return s.name() + " is " + value;
        } else if (attribute.startsWith("family.") && attribute.endsWith(".name")) {
            return s.possessive() + " " + attribute.substring(7, attribute.length() - 5) + " is named " + value;
        } else if (attribute.startsWith("pet.") && attribute.endsWith(".name")) {
            return s.name() + " has a " + attribute.substring(4, attribute.length() - 5).replace('_', ' ') + " named " + value;
        } else if (attribute.startsWith("preference.")) {
            return s.possessive() + " favorite " + attribute.substring(11).replace('_', ' ') + " is " + value;
        }
        return null;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static SlotMatch canon(String attribute, String value, String text, MemoryKind kind, Subject s) {
        return new SlotMatch(attribute, value.strip(), TextCleaner.capitalize(text), kind);
    }

    private static SlotMatch tag(String attribute, String value) {
        return new SlotMatch(attribute, value.strip(), null, MemoryKind.FACT);
    }

    private static boolean isProfession(String phrase) {
        String last = lastWord(phrase).toLowerCase(Locale.ROOT);
        return Lexicon.PROFESSIONS.contains(last)
                || (last.length() > 5 && (last.endsWith("ist") || last.endsWith("ician")) && !last.equals("specialist"));
    }

    private static String article(String job) {
        String j = job.toLowerCase(Locale.ROOT);
        if (j.startsWith("team lead") || j.startsWith("head ") || j.endsWith("lead")) {
            return "";
        }
        return "aeiou".indexOf(j.charAt(0)) >= 0 ? "an " : "a ";
    }

    private static String lastWord(String phrase) {
        String[] w = phrase.strip().split("\\s+");
        return w[w.length - 1];
    }

    /** Drops trailing words that are not part of a name ("Emi lives" → "Emi" is handled by the case rule). */
    private static String trimName(String name) {
        String n = name.strip();
        if (n.isEmpty() || Lexicon.STOP_WORDS.contains(n.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return n;
    }

    private static String normalizeRelative(String rel) {
        String r = rel.toLowerCase(Locale.ROOT);
        return switch (r) {
            case "mum", "mother" -> "mom";
            case "father" -> "dad";
            case "grandma" -> "grandmother";
            case "grandpa" -> "grandfather";
            case "fiancé", "fiancee", "fiancée" -> "fiance";
            default -> r;
        };
    }
}
