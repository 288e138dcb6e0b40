/** The API's notice taxonomy (src/taxonomy/categories.ts), copied: the web bundle does not import server code. */
export const CATEGORY_KEYWORDS: Record<string, readonly string[]> = {
  "STATEMENT_CATEGORY_ANIMAL_WELFARE": [
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_CONSUMER_INFORMATION": [
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_CYBER_VIOLENCE": [
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_STALKING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN": [
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": [
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": [
    "KEYWORD_DEFAMATION",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS": [
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": [
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": [
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY": [
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": [
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_PHISHING",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_SELF_HARM": [
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_SUICIDE",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS": [
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_VIOLENCE": [
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": [
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_NUDITY",
    "KEYWORD_OTHER"
  ],
  "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE": []
};
export const CATEGORIES = Object.keys(CATEGORY_KEYWORDS);

/** Sub-categories for which the notifier may stay anonymous (DSA Art. 16(2)(c)); the API refuses anonymity otherwise. */
export const ANONYMOUS_ALLOWED: readonly string[] = [
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
];

/** EU/EEA member states, offered first in the country select. */
export const EU_EEA_COUNTRIES = ['AT','BE','BG','CY','CZ','DE','DK','EE','ES','FI','FR','GR','HR','HU','IE','IT','LT','LU','LV','MT','NL','PL','PT','RO','SE','SI','SK','IS','LI','NO'];

/** ISO 639-1 codes the API accepts for the content's language. */
export const LANGUAGES = ["aa","ab","ae","af","ak","am","an","ar","as","av","ay","az","ba","be","bg","bh","bi","bm","bn","bo","br","bs","ca","ce","ch","co","cr","cs","cu","cv","cy","da","de","dv","dz","ee","el","en","eo","es","et","eu","fa","ff","fi","fj","fo","fr","fy","ga","gd","gl","gn","gu","gv","ha","he","hi","ho","hr","ht","hu","hy","hz","ia","id","ie","ig","ii","ik","io","is","it","iu","ja","jv","ka","kg","ki","kj","kk","kl","km","kn","ko","kr","ks","ku","kv","kw","ky","la","lb","lg","li","ln","lo","lt","lu","lv","mg","mh","mi","mk","ml","mn","mr","ms","mt","my","na","nb","nd","ne","ng","nl","nn","no","nr","nv","ny","oc","oj","om","or","os","pa","pi","pl","ps","pt","qu","rm","rn","ro","ru","rw","sa","sc","sd","se","sg","si","sk","sl","sm","sn","so","sq","sr","ss","st","su","sv","sw","ta","te","tg","th","ti","tk","tl","tn","to","tr","ts","tt","tw","ty","ug","uk","ur","uz","ve","vi","vo","wa","wo","xh","yi","yo","za","zh","zu"];

/** Evidence limits (the server's defaults: EVIDENCE_MAX_FILES, EVIDENCE_MAX_BYTES) and accepted types. */
export const EVIDENCE_MAX_FILES = 5;
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,video/quicktime,application/pdf,text/plain';
export const EVIDENCE_TYPES = EVIDENCE_ACCEPT.split(',');

/** Harm slugs of GET /v1/public/help-resources (used when the endpoint does not answer). */
export const HARMS = ['terrorism', 'child_sexual_abuse', 'hate_speech', 'harassment', 'non_consensual_intimate_images', 'scams', 'self_harm', 'other'];
