package dev.engram.extraction.internal.extract;

import java.util.regex.Pattern;

/** The patterns that classify a clause. Immutable and thread-safe. */
final class Cues {

    private Cues() {}

    /** Interjections and discourse markers stripped from the start of a sentence. */
    static final Pattern LEADING_FILLER = Pattern.compile(
            "(?i)^(?:(?:hey|hi|hello|oh|wow|whoa|yeah|yes|yep|yup|no|nope|ok|okay|well|so|and|but|also|plus|haha+|"
                    + "lol|lmao|thanks|thank you|btw|by the way|honestly|anyway|anyways|um+|uh+|aww+|ah|yay|omg|"
                    + "gosh|nice|cool|great|sure|right|true|guess what|fun fact|ugh|huh|hmm+|phew|see|look|"
                    + "wait|oops|sorry)\\b[\\s,!.:;-]*)+");

    /** Fillers at the end of a clause. */
    static final Pattern TRAILING_FILLER = Pattern.compile(
            "(?i)(?:,\\s*|\\s+)(?:honestly|by the way|lol|haha+|though|really|anyway|tbh|for real|hands down|now)\\s*(?=[.!]*$)");

    /** A first-person word: the clause is about the speaker. */
    static final Pattern FIRST_PERSON = Pattern.compile(
            "(?:\\bI\\b|\\bi\\b|(?i:\\b(?:I'm|I've|I'll|I'd|me|my|mine|myself|we|we're|we've|we'll|we'd|our|ours)\\b)|\\bus\\b)");

    /** Social phrases that carry nothing about the speaker ("I agree", "I'm so happy for you"). */
    static final Pattern SOCIAL = Pattern.compile(
            "(?i)^(?:I (?:totally |really |completely |so |\\d+% )?agree|I'll keep (?:you|ya) (?:posted|updated)|I know,? right|I know|I see|I bet|I hope so|I think so|"
                    + "I guess|I'm (?:so |really )?(?:happy|glad|proud|sorry|excited|thrilled) (?:for|of|to hear|about|that) (?:you|that|it)|"
                    + "I'm sure you|I'd love to see|I can imagine|let me know|I'll (?:text|call|let|see|tell|send) you|"
                    + "I can'?t wait to see|I'm off|I have to (?:go|run)|I gotta (?:go|run)|I'm here for you|"
                    + "I'll do my best|I appreciate (?:it|that|you)|I (?:really )?hope (?:you|it|that)|I feel you|"
                    + "I want pictures|I'll come by|I'm doing (?:well|good|great|fine))\\b");

    /** Remarks that only react to the other person ("That's great!", "You'd be a great counselor"). */
    static final Pattern REACTION = Pattern.compile(
            "(?i)^(?:what a|what|how|sounds|looks|so|such|you|your|you're|"
                    + "you've|you'll|you'd|must be|glad|sorry|congrats|congratulations|good|great|nice|cool|amazing|"
                    + "awesome|wonderful|lovely|beautiful|classic|poor|lucky|smart|jealous|same|true|exactly|"
                    + "totally|absolutely|definitely|of course|can't wait|hope|fingers|bring|say|take|have fun|"
                    + "let's|let me|talk|see|thanks|thank|happy|welcome|enjoy|good luck|deal|no problem|"
                    + "tell me|keep|don't|do|please|make sure|wish|there you go)\\b");

    /**
     * Remarks that start with "it", "that" or "this" are reactions when short ("That's so sweet!",
     * "It was amazing") but often carry the content when long ("It was a transgender poetry reading
     * where…"), so they are kept from four content words up.
     */
    static final Pattern WEAK_REACTION = Pattern.compile("(?i)^(?:that|this|it|that's|this is|it's|its|it was|here's|here is)\\b");

    /** A third-person subject at the start of a clause ("She had…", "Leo is…"). */
    static final Pattern THIRD_PERSON_START = Pattern.compile("^(?:(?:He|She|They)\\b|\\p{Lu}\\p{Ll}+\\s+(?:is|was|has|had|loves|hates|likes|said|says)\\b)");

    /** "She"/"He" at the start of a clause, to resolve to the last person named. */
    static final Pattern LEADING_PRONOUN = Pattern.compile("^(?:He|She|he|she)(?:'s)?\\b");

    /** Likes and dislikes. */
    static final Pattern PREFERENCE = Pattern.compile(
            "(?i)\\b(?:I|we)(?:\\s+(?:really|absolutely|just|also|totally|kinda|kind of|do|still|truly|honestly|seriously|"
                    + "genuinely|so|definitely|actually|now|always))*\\s+(?<verb>love|loved|like|liked|enjoy|enjoyed|adore|prefer|"
                    + "hate|hated|dislike|detest|loathe|can't stand|cannot stand|can't bear|don't like|do not like|"
                    + "miss|am into|'m into|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|am obsessed with|"
                    + "'m obsessed with|am passionate about|'m passionate about|'m not a fan of|am not a fan of)\\b(?<obj>.*)"
                    + "|\\b(?:I|we)'m\\s+(?:really\\s+|so\\s+|totally\\s+|now\\s+|also\\s+)?(?<verb2>into|a (?:big |huge )?fan of|obsessed with|passionate about|not a fan of)\\b(?<obj2>.*)"
                    + "|\\bmy (?:all-time |absolute |very )?favou?rite\\b|\\b(?:is|are) my (?:all-time |absolute )?favou?rite\\b"
                    + "|\\bis my (?:whole life|passion|thing|jam)\\b|\\bmy ideal\\b");

    /** A clause whose subject is the other person ("You did not tell me!", "Your empathy will help…"). */
    static final Pattern ABOUT_ADDRESSEE = Pattern.compile("(?i)^(?:you|your|you're|you've|you'll|you'd|yours)\\b");

    /** A request to an assistant ("I'd like kid-friendly hikes", "I need a recipe"): not a memory. */
    static final Pattern REQUEST = Pattern.compile("(?i)^(?:I'd|I would)\\s+(?:really\\s+)?(?:like|love)\\s+(?!to\\b)|^I need\\s+(?:a|an|some|help)\\b");

    /** "would like", "'d like", "would love to": requests and wishes, not preferences. */
    static final Pattern WISH = Pattern.compile("(?i)\\b(?:I'd|I would|we'd|we would)\\s+(?:really\\s+)?(?:like|love)\\b");

    /** Instructions to an assistant: an imperative, possibly after "please", "from now on", or a when-clause. */
    static final Pattern INSTRUCTION = Pattern.compile(
            "(?i)^(?:and\\s+|also\\s+|so\\s+|oh and\\s+|but\\s+)?(?:please\\s+)?(?:(?:from now on|going forward|in (?:the )?future|next time)[,\\s]+)?"
                    + "(?:(?<when>(?:when|whenever|if)\\s+you\\s+[^,]+),\\s+)?(?:please\\s+)?"
                    + "(?<imp>(?:always|never|don't|do not|stop|avoid|use|keep|make sure|remember to|answer|respond|reply|"
                    + "write|give|show|name|skip|be|talk|speak|format|include|send|list|remind|tell|explain|add|put|"
                    + "mention|refer|address|call me|only|double-check|check|ask|suggest|recommend|stick to|make|change|set|"
                    + "go with|turn|let me know|warn|"
                    + "prefer|default to|switch to|translate|summarize|cite|round)\\b.*)");

    /** "I want you to …", "I'd like you to …", "you should always …". */
    static final Pattern WANT_YOU_TO = Pattern.compile(
            "(?i)\\b(?:I (?:want|need)|I'd like|I would like|I'd prefer|I would prefer)\\s+(?:you\\s+)?(?:to\\s+)(?<imp>.+)"
                    + "|\\byou should (?<imp2>(?:always|never)\\b.+)");

    /** "metric units please": a request with no verb. */
    static final Pattern PLEASE_TAIL = Pattern.compile("(?i)^(?<what>[\\p{L}\\d ,'-]{3,60}?),?\\s+please\\s*[.!]*$");

    /** "forget that…", "ignore what I said about…". */
    static final Pattern FORGET = Pattern.compile(
            "(?i)^(?:and\\s+|oh\\s+|oh and\\s+|also\\s+|please\\s+|actually,?\\s+)*(?:forget|ignore|disregard|scratch|never mind|delete|remove)\\b"
                    + "(?:\\s+(?:that|about|it|everything|what I (?:said|told you|mentioned)|what i said|I (?:said|mentioned|told you)|"
                    + "the (?:part|thing|bit) about|about what I said|my (?:note|comment) about|I ever said))*\\s*(?:about\\s+|that\\s+)?(?<rest>.*)$");

    /** "I no longer …", "I'm no longer …". */
    static final Pattern NO_LONGER = Pattern.compile("(?i)\\b(?<subj>I|I'm|I am|we|we're)\\s+no\\s+longer\\s+(?<rest>.+)");

    /** "I don't … anymore", "I'm not … any more". */
    static final Pattern ANYMORE = Pattern.compile(
            "(?i)\\b(?<subj>I|we)\\s+(?:don't|do not|no longer)\\s+(?<rest>.+?)\\s+any\\s?more\\b"
                    + "|\\b(?<subj2>I'm|I am|we're)\\s+not\\s+(?<rest2>.+?)\\s+any\\s?more\\b");

    /** A correction marker at the start of a clause. */
    static final Pattern CORRECTION = Pattern.compile(
            "(?i)^(?:actually|correction|sorry|oops|wait|no|scratch that)\\b[,:!.]?\\s+(?:I meant\\s+|I mean\\s+|it's not\\s+[^,]+,\\s+)?(?<rest>.+)$"
                    + "|^I meant\\s+(?<rest2>.+)$");

    /** A value-only correction: "it's Lisbon", "it's Rhode Island Hospital now". */
    static final Pattern VALUE_ONLY = Pattern.compile("^(?:(?i:it's|it is|its|it was)\\s+)?(?<v>\\p{Lu}[\\p{L}.'&-]*(?:\\s+\\p{Lu}[\\p{L}.'&-]*){0,4})(?:\\s+(?i:now|instead))?[.!]*$");

    /** ", not Munich" after a corrected value. */
    static final Pattern NOT_TAIL = Pattern.compile(",?\\s+not\\s+\\p{Lu}[\\p{L}.'-]*(?:\\s+\\p{Lu}[\\p{L}.'-]*){0,3}\\s*(?=[.!]*$)");

    /** Present progressive plans ("I'm joining…", "we're moving…"). */
    static final Pattern PLAN = Pattern.compile(
            "(?i)\\b(?:I'm|I am|we're|we are)\\s+(?:\\w+ly\\s+)?(?:joining|moving|flying|visiting|heading|traveling|travelling|"
                    + "starting|leaving|getting married|having a baby|taking|going|signing up|applying|hosting|attending)\\b");
}
