/**
 * Small hand-written cue lexicons (fr, en, de, pt, ar, zh) that the features use to mark structure a
 * bag of n-grams cannot see: negators (negation scope), denunciation / counter-speech cues, first-person
 * self-identification (reclaimed in-group use), and mentions of protected groups by attribute. Entries
 * are matched on normalised text (see normalise.ts), so they are normalised the same way at load time.
 */
import { normalise } from './normalise.ts';

/** Word-level negators (any covered language). Tokens ending in n't are negators too. */
export const NEGATORS = new Set(
  [
    'not', 'no', 'never', 'nobody', 'none', 'nothing', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'cant', 'wont', 'shouldnt', 'aint', 'nor',
    'ne', "n'", 'pas', 'jamais', 'non', 'aucun', 'aucune', 'personne', 'rien', 'ni',
    'nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'niemand', 'nein',
    'não', 'nao', 'nunca', 'nem', 'jamais', 'ninguém', 'nenhum', 'nenhuma',
    'لا', 'ليس', 'ليست', 'ليسوا', 'لست', 'لسنا', 'لم', 'لن', 'ما', 'مش', 'مو', 'غير', 'ابدا', 'أبدا',
  ].map((w) => normalise(w)),
);
/** Han negators: the next few characters of the same run are in negation scope. */
export const HAN_NEGATORS = new Set(['不', '没', '沒', '别', '別', '非', '无', '無', '勿', '莫', '未']);
/** Clause breakers: negation scope stops here. */
export const SCOPE_BREAKERS = new Set(['but', 'mais', 'aber', 'mas', 'porém', 'لكن', 'بل', 'however', 'sondern', 'pero'].map((w) => normalise(w)));

const DENOUNCE_RAW = [
  // en
  'racist', 'racism', 'bigot', 'bigotry', 'hate speech', 'hateful', 'unacceptable', 'not okay', 'not ok', 'shame on', 'stop calling', 'stop saying',
  'reported', 'report this', 'condemn', 'islamophob', 'antisemit', 'homophob', 'transphob', 'sexist', 'misogyn', 'xenophob', 'ableis', 'dehumaniz',
  'called us', 'called me', 'call us', 'who says', 'people who say',
  // fr
  'raciste', 'racisme', 'haineux', 'haineuse', 'inacceptable', 'honteux', 'honte', 'signalé', 'signaler', 'condamne', 'arrêtez de', 'arrête de',
  'islamophobe', 'antisémit', 'sexiste', 'misogyne', 'xénophob', 'nous traite', 'm\'a traité', 'traitent de', 'ceux qui disent',
  // de
  'rassist', 'rassismus', 'hetze', 'volksverhetzung', 'inakzeptabel', 'gemeldet', 'melden', 'verurteile', 'hört auf', 'hör auf', 'islamfeind',
  'frauenfeind', 'fremdenfeind', 'nennt uns', 'nannte mich', 'wer sagt', 'die sagen', 'schämt euch', 'schäm dich',
  // pt
  'racista', 'racismo', 'discurso de ódio', 'inaceitável', 'vergonha', 'denunciei', 'denunciar', 'condeno', 'parem de', 'pare de', 'homofobia', 'homofóbic',
  'machismo', 'machista', 'misógin', 'xenofobia', 'xenofóbic', 'nos chamam', 'me chamou', 'quem diz', 'preconceito',
  // ar
  'عنصري', 'عنصرية', 'خطاب كراهية', 'كراهية', 'مرفوض', 'عيب', 'أدين', 'ندين', 'بلغت', 'توقفوا عن', 'كفى', 'تمييز', 'يسموننا', 'وصفني', 'من يقول',
  // zh
  '歧视', '种族主义', '仇恨言论', '不能接受', '可耻', '举报', '谴责', '别再', '不要再', '偏见', '地域黑', '说我们是',
];
export const DENOUNCE = [...new Set(DENOUNCE_RAW.map((w) => normalise(w)))];

const SELF_ID_RAW = [
  "i'm a", 'i am a', 'im a', 'as a', 'we are', "we're", 'proud', 'my community', 'reclaim', 'us queers', 'fellow',
  'je suis', 'nous sommes', 'en tant que', 'fier', 'fière', 'fièrement',
  'ich bin', 'wir sind', 'als schwule', 'als lesbe', 'stolz',
  'eu sou', 'sou', 'somos', 'orgulho', 'orgulhosa', 'orgulhoso',
  'أنا', 'انا', 'نحن', 'فخور', 'فخورة', 'كوني',
  '我是', '我们是', '作为', '骄傲',
];
export const SELF_ID = [...new Set(SELF_ID_RAW.map((w) => normalise(w)))];

/** Protected-group mentions by attribute (neutral identity terms and common slurs). */
export const GROUP_TERMS: Record<string, string[]> = {
  origin: [
    'black', 'blacks', 'african', 'africans', 'arab', 'arabs', 'immigrant', 'immigrants', 'migrant', 'migrants', 'refugee', 'refugees', 'mexican', 'mexicans', 'asian', 'asians', 'chinese', 'hispanic', 'foreigners',
    'noir', 'noirs', 'africain', 'africains', 'arabe', 'arabes', 'immigré', 'immigrés', 'migrants', 'réfugiés', 'étrangers', 'asiatiques', 'chinois',
    'schwarze', 'afrikaner', 'araber', 'ausländer', 'migranten', 'flüchtlinge', 'einwanderer', 'asiaten', 'türken',
    'negro', 'negros', 'preto', 'pretos', 'africanos', 'árabes', 'imigrantes', 'refugiados', 'estrangeiros', 'nordestino', 'nordestinos', 'baiano',
    'السود', 'الأفارقة', 'العرب', 'المهاجرين', 'اللاجئين', 'الأجانب', 'عبيد',
    '黑人', '外国人', '非洲', '河南人', '东北人', '地域', '移民', '难民', '白人', '少数民族',
  ],
  religion: [
    'muslim', 'muslims', 'islam', 'jew', 'jews', 'jewish', 'christian', 'christians', 'hindu', 'hindus',
    'musulman', 'musulmans', 'musulmane', 'musulmanes', 'juif', 'juifs', 'juive', 'chrétiens', 'islam',
    'muslime', 'moslems', 'juden', 'jüdisch', 'christen',
    'muçulmano', 'muçulmanos', 'judeu', 'judeus', 'cristãos', 'evangélicos', 'macumbeiro',
    'المسلمين', 'مسلم', 'اليهود', 'يهودي', 'المسيحيين', 'الشيعة', 'السنة', 'الروافض', 'الكفار',
    '穆斯林', '犹太', '基督徒', '宗教',
  ],
  gender: [
    'women', 'woman', 'girls', 'feminist', 'feminists', 'bitch', 'bitches',
    'femme', 'femmes', 'féministe', 'féministes', 'meuf', 'meufs',
    'frau', 'frauen', 'feministin', 'feministinnen', 'weiber',
    'mulher', 'mulheres', 'feminista', 'feministas', 'menina', 'meninas',
    'النساء', 'المرأة', 'امرأة', 'البنات', 'النسويات', 'الحريم',
    '女人', '女性', '女权', '女拳', '妇女', '男人', '性别',
  ],
  sexual_orientation: [
    'gay', 'gays', 'lesbian', 'lesbians', 'queer', 'homosexual', 'homosexuals', 'lgbt', 'lgbtq', 'trans', 'faggot', 'faggots', 'fag', 'dyke',
    'gai', 'gais', 'lesbienne', 'lesbiennes', 'homosexuels', 'pédé', 'pédés', 'tapette', 'gouine',
    'schwule', 'schwul', 'lesben', 'homosexuelle', 'transmenschen',
    'gay', 'gays', 'lésbica', 'lésbicas', 'homossexual', 'homossexuais', 'viado', 'viados', 'sapatão', 'bicha', 'travesti',
    'المثليين', 'مثلي', 'الشواذ', 'شاذ', 'المثلية',
    '同性恋', '同志', '基佬', '变性',
  ],
  disability: [
    'disabled', 'retard', 'retarded', 'retards', 'autistic', 'autists', 'special needs', 'handicapped', 'mongoloid',
    'handicapé', 'handicapés', 'autiste', 'autistes', 'mongol', 'mongols', 'attardé', 'trisomique',
    'behinderte', 'behindert', 'spasti', 'mongo',
    'deficiente', 'deficientes', 'retardado', 'autista', 'mongolóide',
    'المعاقين', 'معاق', 'منغولي', 'متخلف',
    '残疾', '智障', '弱智', '残障',
  ],
};
export const GROUP_ATTRIBUTES = Object.keys(GROUP_TERMS);
/** normalised term → attribute index */
export const GROUP_WORDS = new Map<string, number>();
GROUP_ATTRIBUTES.forEach((attr, i) => {
  for (const t of GROUP_TERMS[attr] ?? []) GROUP_WORDS.set(normalise(t), i);
});
