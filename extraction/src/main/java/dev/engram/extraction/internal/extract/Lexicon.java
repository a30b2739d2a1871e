package dev.engram.extraction.internal.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Word lists the rules share. Immutable and thread-safe. */
public final class Lexicon {

    private Lexicon() {}

    /** A set that tolerates repeated words in the lists below. */
    private static Set<String> words(String... words) {
        return Set.copyOf(java.util.Arrays.asList(words));
    }

    /** English function words: not content, and evidence that a text is English. */
    public static final Set<String> STOP_WORDS = words(
            "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "from",
            "by", "about", "as", "into", "over", "after", "before", "up", "down", "out", "off", "than", "then",
            "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him",
            "his", "she", "her", "hers", "it", "its", "they", "them", "their", "this", "that", "these", "those",
            "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
            "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "no", "yes",
            "i'm", "i've", "i'll", "i'd", "we're", "we've", "we'll", "it's", "that's", "there's", "what's",
            "don't", "doesn't", "didn't", "can't", "won't", "isn't", "wasn't", "aren't", "weren't", "haven't",
            "just", "very", "really", "so", "too", "also", "there", "here", "what", "which", "who", "when",
            "where", "why", "how", "all", "any", "some", "if", "because", "while", "all", "more", "most",
            "such", "only", "own", "same", "other", "each", "few", "both", "again", "once", "now", "get", "got",
            "gonna", "wanna", "kinda", "lot", "lots", "thing", "things", "one", "said", "user", "others", "you're",
            "you've", "you'll", "you'd", "he's", "she's", "they're", "let's", "it'll", "that'll", "who's", "yet");

    /** Words that mark a text as another language than English (Latin-script languages we meet most). */
    public static final Set<String> FOREIGN_WORDS = words(
            // Spanish / Portuguese / Italian
            "el", "la", "los", "las", "y", "que", "qué", "de", "del", "en", "es", "un", "una", "por", "para",
            "con", "mi", "muy", "pero", "como", "vivo", "trabajo", "soy", "estoy", "tengo", "hola", "gracias",
            "não", "sim", "eu", "uma", "com", "muito", "obrigado", "il", "di", "che", "sono", "ho", "non", "ciao",
            // German / Dutch
            "ich", "habe", "bin", "und", "der", "die", "das", "ein", "eine", "einen", "nicht", "mit", "ist",
            "auch", "beim", "morgen", "heute", "danke", "hallo", "het", "een", "ik", "niet", "wij",
            // French
            "je", "suis", "j'ai", "et", "le", "les", "une", "des", "est", "pas", "avec", "pour", "mais",
            "merci", "bonjour", "nous", "vous", "très");

    /** Greetings, thanks and acknowledgements that carry nothing to remember. */
    public static final Pattern SMALL_TALK = Pattern.compile(
            "(?i)^(?:hey|hi|hello|hiya|yo|howdy|good (?:morning|night|evening|afternoon)|bye|goodbye|see you|"
                    + "see ya|talk (?:soon|later)|ttyl|thanks?(?: you)?(?: so much| a lot)?|thx|ty|cheers|ok(?:ay)?|k|"
                    + "cool|great|nice|awesome|wow|whoa|lol|haha+|hehe|yeah|yep|yup|yes|no|nope|sure|right|"
                    + "got it|noted|understood|will do|sounds good|of course|congrats|congratulations|"
                    + "no way|deal|perfect|amazing|exactly|totally|indeed|aww+|oh|ah|hmm+|ugh|huh|same|"
                    + "me too|good luck|take care|have fun|fingers crossed|long time no see|good to see you|nice to meet you|"
                    + "how are you|merry christmas|happy (?:new year|birthday|holidays|[\\p{L}']+(?:\\s[\\p{L}']+)?\\s+day))"
                    + "(?:[\\s,!.?]+(?:hey|hi|ok(?:ay)?|cool|thanks|bye|lol|haha+|then|again|too|for (?:that|asking)|"
                    + "so much|a lot|you|all|there|everyone|long time no see|good to see you|(?-i:\\p{Lu}\\p{Ll}+)))*[\\s,!.?]*$");

    /** Adverbs that may sit between "I" and its verb ("I really love", "I finally finished"). */
    public static final Set<String> ADVERBS = words(
            "really", "also", "just", "finally", "always", "never", "still", "usually", "mostly", "often",
            "sometimes", "actually", "totally", "absolutely", "definitely", "recently", "already", "even",
            "only", "truly", "kinda", "honestly", "literally", "rarely", "seriously", "barely", "hardly",
            "probably", "particularly", "especially", "generally", "normally", "occasionally", "simply",
            "certainly", "almost", "now", "once", "first", "typically", "basically", "genuinely", "secretly",
            "both", "all", "sort", "kind", "no", "longer", "not", "ever", "then", "soon");

    /** Modal and auxiliary verbs that never take a third-person "-s". */
    public static final Set<String> MODALS = words(
            "can", "could", "will", "would", "shall", "should", "may", "might", "must", "did", "didn't",
            "can't", "cannot", "couldn't", "won't", "wouldn't", "shouldn't", "mightn't", "mustn't", "ought",
            "had", "hadn't", "was", "wasn't", "used");

    /** Irregular past-tense forms (regular ones end in "-ed"). */
    public static final Set<String> IRREGULAR_PAST = words(
            "went", "was", "were", "had", "did", "got", "made", "took", "saw", "ran", "came", "gave", "found",
            "told", "felt", "left", "kept", "began", "bought", "brought", "caught", "taught", "thought", "won",
            "lost", "met", "paid", "sold", "sent", "spent", "built", "read", "wrote", "drove", "flew", "ate",
            "drank", "swam", "sang", "rode", "broke", "chose", "fell", "forgot", "grew", "knew", "threw",
            "wore", "tore", "woke", "held", "heard", "led", "meant", "slept", "stood", "understood", "became",
            "hid", "hit", "hurt", "quit", "set", "shut", "put", "cut", "let", "sat", "lay", "laid", "said",
            "taught", "stole", "struck", "swore", "shook", "spoke", "froze", "rang", "drew", "dug", "fed",
            "fought", "lit", "overcame", "outgrew", "undertook", "withdrew", "forgave", "moved");

    /** Kinship terms for family slot keys. */
    public static final Set<String> RELATIVES = words(
            "wife", "husband", "partner", "boyfriend", "girlfriend", "fiance", "fiancé", "fiancee", "fiancée",
            "son", "daughter", "brother", "sister", "mom", "mum", "mother", "dad", "father", "grandmother",
            "grandma", "grandfather", "grandpa", "aunt", "uncle", "cousin", "niece", "nephew", "stepson",
            "stepdaughter", "stepmom", "stepdad", "twin", "baby", "kid", "child", "spouse");

    /** People in a role around the person whose name is worth a slot. */
    public static final Set<String> CONTACT_ROLES = words(
            "coach", "doctor", "therapist", "boss", "manager", "roommate", "flatmate", "mentor", "teacher",
            "trainer", "dentist", "landlord", "neighbor", "neighbour", "colleague", "assistant");

    /** Animals for pet slot keys. */
    public static final Set<String> PETS = words(
            "dog", "cat", "puppy", "kitten", "parrot", "rabbit", "bunny", "hamster", "horse", "bird", "turtle",
            "tortoise", "snake", "guinea pig", "ferret", "lizard", "gecko", "fish", "pony", "pup");

    /** Professions for job slot keys ("I'm a nurse"); suffixes below catch most others. */
    public static final Set<String> PROFESSIONS = words(
            "nurse", "doctor", "teacher", "developer", "engineer", "designer", "lawyer", "accountant", "chef",
            "cook", "baker", "student", "artist", "writer", "journalist", "photographer", "musician", "pilot",
            "scientist", "researcher", "professor", "programmer", "architect", "consultant", "analyst",
            "manager", "lead", "director", "firefighter", "paramedic", "pharmacist", "dentist", "vet",
            "veterinarian", "therapist", "counselor", "counsellor", "plumber", "electrician", "carpenter",
            "mechanic", "farmer", "librarian", "translator", "cashier", "barista", "waiter", "waitress",
            "driver", "freelancer", "entrepreneur", "intern", "ceo", "cto", "founder", "officer", "soldier",
            "police", "surgeon", "midwife", "tutor", "coach", "trainer", "editor", "actor", "actress", "dancer",
            "singer", "painter", "sculptor", "tailor", "hairdresser", "clerk", "secretary", "receptionist",
            "administrator", "sysadmin", "technician", "mathematician", "physicist", "chemist", "biologist",
            "economist", "psychologist", "retiree", "homemaker", "caregiver", "nanny", "student", "phd");

    /** Diets for the diet slot. */
    public static final Pattern DIET = Pattern.compile(
            "(?i)\\b(vegetarian|vegan|pescatarian|pescetarian|keto|paleo|gluten[- ]free|lactose[- ]intolerant|"
                    + "dairy[- ]free|halal|kosher|celiac|coeliac|diabetic|plant[- ]based)\\b");

    /** Preference topics: the object's words map to a topic for {@code preference.<topic>} slot keys. */
    public static String topicOf(String noun) {
        String n = noun.toLowerCase(Locale.ROOT);
        if (n.matches("(?:dish|meal|food|cuisine|snack|dessert|restaurant|pizza|pasta|fruit|vegetable)s?")) {
            return "food";
        }
        if (n.matches("(?:drink|beverage|coffee|tea|beer|wine|cocktail)s?")) {
            return "drink";
        }
        if (n.matches("(?:song|band|singer|artist|album|music|genre)s?")) {
            return "music";
        }
        if (n.matches("(?:movie|film)s?")) {
            return "movie";
        }
        if (n.matches("(?:book|author|novel|writer)s?")) {
            return "book";
        }
        if (n.matches("(?:colou?r)s?")) {
            return "color";
        }
        if (n.matches("(?:sport|team|game)s?")) {
            return "sport";
        }
        if (n.matches("(?:show|series|tv show)s?")) {
            return "tv";
        }
        if (n.matches("(?:place|city|country|destination)s?")) {
            return "place";
        }
        if (n.matches("(?:season|holiday)s?")) {
            return "season";
        }
        if (n.matches("(?:animal|pet)s?")) {
            return "animal";
        }
        return slug(n);
    }

    /** A slot-key segment: lower case, ASCII letters, digits and underscores. */
    public static String slug(String s) {
        String n = java.text.Normalizer.normalize(s.toLowerCase(Locale.ROOT), java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "")
                .replaceAll("'s\\b", "")
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (n.length() > 40) {
            n = n.substring(0, 40).replaceAll("_+$", "");
        }
        return n.isEmpty() ? "x" : n;
    }

    /** Whether {@code word} (lower case) is a content word. */
    public static boolean isContent(String word) {
        return word.length() > 1 && !STOP_WORDS.contains(word) && word.chars().anyMatch(Character::isLetterOrDigit);
    }
}
