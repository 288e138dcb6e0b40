/**
 * Hand-written augmentation set (training split only; written for this project, no third-party text).
 * Templates × protected groups per covered language, for the failure modes a bag of n-grams has:
 * negated hate, counter-speech that quotes or denounces hate, neutral mentions of protected groups and
 * self-identifying (reclaimed) use of identity terms are labelled not hateful and not abusive; explicit
 * hateful statements are labelled hate + abuse + their target, so the model sees both sides of each cue.
 * The robustness cases (robustness.ts) are worded separately and never used here.
 */
import { LABELS } from './model.ts';

export interface AugRow {
  text: string;
  lang: string;
  y: number[];
}

type Attr = 'origin' | 'religion' | 'gender' | 'sexual_orientation' | 'disability';
interface LangSet {
  groups: Array<[string, Attr]>;
  hate: string[];
  negated: string[];
  counter: string[];
  neutral: string[];
  reclaimed: string[];
}

const SETS: Record<string, LangSet> = {
  en: {
    groups: [['muslims', 'religion'], ['jews', 'religion'], ['black people', 'origin'], ['immigrants', 'origin'], ['refugees', 'origin'], ['mexicans', 'origin'], ['women', 'gender'], ['gay people', 'sexual_orientation'], ['trans people', 'sexual_orientation'], ['disabled people', 'disability']],
    hate: ['{g} are vermin', 'i hate {g}', 'all {g} should be deported', '{g} are a disease', 'get rid of all the {g}', '{g} are subhuman filth', '{g} should all die', '{g} are filthy parasites', 'never trust {g}, they are all criminals', '{g} are animals and should be treated like animals'],
    negated: ['{g} are not vermin', 'i do not hate {g}', 'i have never hated {g}', '{g} are not a disease', 'nobody should get rid of {g}', '{g} are not subhuman', 'no, {g} are not parasites', "i don't think {g} are criminals"],
    counter: ['saying "{g} are vermin" is racist and wrong', 'stop calling {g} animals', 'i reported a post that said {g} should die', 'this account claims {g} are parasites. that is hate speech', '"get rid of the {g}" is the kind of hateful rhetoric we condemn', 'people who say {g} are a disease should be ashamed', 'calling {g} subhuman is bigotry, full stop'],
    neutral: ['{g} live in my neighbourhood', 'a new report on {g} in the job market', 'many {g} celebrated the holiday yesterday', 'my colleagues include {g}', 'a documentary about the history of {g}', '{g} deserve equal rights', 'the survey asked {g} about housing', 'support groups for {g} meet on tuesdays'],
    reclaimed: ["as a queer woman i'm proud of my community", "we're here, we're queer, get used to it", "i'm a proud dyke and i love my wife", 'me and my fellow queers at pride today', 'proud to be a crip, disability pride month', 'as a gay man i call myself a fag with my friends and it is fine', 'we are black and proud'],
  },
  fr: {
    groups: [['les musulmans', 'religion'], ['les juifs', 'religion'], ['les noirs', 'origin'], ['les immigrés', 'origin'], ['les arabes', 'origin'], ['les réfugiés', 'origin'], ['les femmes', 'gender'], ['les homosexuels', 'sexual_orientation'], ['les personnes trans', 'sexual_orientation'], ['les handicapés', 'disability']],
    hate: ['{g} sont de la vermine', 'je hais {g}', 'il faut expulser tous {g}', '{g} sont une maladie', 'dehors {g}', '{g} sont des sous-hommes', '{g} devraient tous crever', '{g} sont des parasites', '{g} sont tous des criminels', '{g} sont des animaux'],
    negated: ['{g} ne sont pas de la vermine', 'je ne hais pas {g}', "je n'ai jamais détesté {g}", '{g} ne sont pas une maladie', 'personne ne devrait expulser {g}', '{g} ne sont pas des sous-hommes', 'non, {g} ne sont pas des parasites'],
    counter: ['dire « {g} sont de la vermine » est raciste', 'arrêtez de traiter {g} de parasites', "j'ai signalé un tweet qui disait que {g} devraient crever", 'ce compte affirme que {g} sont des animaux, ce sont des propos haineux', '« dehors {g} » : je condamne ces propos', 'ceux qui disent que {g} sont une maladie devraient avoir honte'],
    neutral: ['{g} de mon quartier organisent une fête', 'un rapport sur {g} et le logement', 'beaucoup de mes collègues sont {g}', "un documentaire sur l'histoire de {g}", '{g} ont les mêmes droits que tout le monde', "l'association accompagne {g} dans leurs démarches"],
    reclaimed: ['fier d\'être pédé et heureux', 'nous sommes gouines et fières', 'en tant que gouine je suis fière de ma communauté', 'je suis une meuf noire et fière', 'entre pédés on se comprend, on est fiers'],
  },
  de: {
    groups: [['muslime', 'religion'], ['juden', 'religion'], ['schwarze', 'origin'], ['ausländer', 'origin'], ['flüchtlinge', 'origin'], ['migranten', 'origin'], ['frauen', 'gender'], ['schwule', 'sexual_orientation'], ['transmenschen', 'sexual_orientation'], ['behinderte', 'disability']],
    hate: ['{g} sind ungeziefer', 'ich hasse {g}', 'alle {g} abschieben', '{g} sind eine seuche', '{g} raus', '{g} sind untermenschen', '{g} sollen verrecken', '{g} sind parasiten', '{g} sind alle kriminell', '{g} sind tiere'],
    negated: ['{g} sind kein ungeziefer', 'ich hasse {g} nicht', 'ich habe {g} nie gehasst', '{g} sind keine seuche', 'niemand sollte {g} abschieben', '{g} sind keine untermenschen', 'nein, {g} sind keine parasiten'],
    counter: ['wer sagt „{g} sind ungeziefer“, ist rassistisch', 'hört auf, {g} als tiere zu bezeichnen', 'ich habe einen tweet gemeldet, der sagt, {g} sollen verrecken', 'dieser account behauptet, {g} seien parasiten. das ist hetze', '„{g} raus“ – ich verurteile solche parolen', 'schämt euch, {g} eine seuche zu nennen'],
    neutral: ['{g} in meiner nachbarschaft feiern ein fest', 'ein bericht über {g} auf dem arbeitsmarkt', 'viele meiner kollegen sind {g}', 'eine doku über die geschichte der {g}', '{g} haben die gleichen rechte', 'der verein berät {g} bei behördengängen'],
    reclaimed: ['ich bin schwul und stolz darauf', 'wir sind lesben und stolz', 'als schwule feiern wir den csd', 'ich bin kanake und stolz, kanak attak', 'wir sind queer und laut'],
  },
  pt: {
    groups: [['muçulmanos', 'religion'], ['judeus', 'religion'], ['negros', 'origin'], ['imigrantes', 'origin'], ['nordestinos', 'origin'], ['refugiados', 'origin'], ['mulheres', 'gender'], ['gays', 'sexual_orientation'], ['travestis', 'sexual_orientation'], ['deficientes', 'disability']],
    hate: ['{g} são uma praga', 'odeio {g}', 'tem que expulsar todos os {g}', '{g} são uma doença', 'fora {g}', '{g} são sub-humanos', '{g} tinham que morrer', '{g} são parasitas', '{g} são todos bandidos', '{g} são animais'],
    negated: ['{g} não são uma praga', 'eu não odeio {g}', 'nunca odiei {g}', '{g} não são uma doença', 'ninguém deveria expulsar {g}', '{g} não são sub-humanos', 'não, {g} não são parasitas'],
    counter: ['dizer "{g} são uma praga" é racismo', 'parem de chamar {g} de animais', 'denunciei um post que dizia que {g} tinham que morrer', 'esse perfil diz que {g} são parasitas, isso é discurso de ódio', '"fora {g}" — condeno esse tipo de frase', 'quem diz que {g} são uma doença devia ter vergonha'],
    neutral: ['{g} do meu bairro organizaram uma festa', 'um relatório sobre {g} no mercado de trabalho', 'muitos dos meus colegas são {g}', 'um documentário sobre a história dos {g}', '{g} têm os mesmos direitos', 'a associação ajuda {g} com documentos'],
    reclaimed: ['sou sapatão com orgulho', 'somos bichas e temos orgulho', 'eu sou bicha e amo minha comunidade', 'orgulho de ser sapatão', 'como travesti tenho orgulho da minha história'],
  },
  ar: {
    groups: [['المسلمين', 'religion'], ['اليهود', 'religion'], ['المسيحيين', 'religion'], ['السود', 'origin'], ['اللاجئين', 'origin'], ['المهاجرين', 'origin'], ['النساء', 'gender'], ['المثليين', 'sexual_orientation'], ['المعاقين', 'disability']],
    hate: ['{g} حشرات', 'أكره {g}', 'يجب طرد كل {g}', '{g} وباء', 'اطردوا {g}', '{g} حثالة', '{g} لازم يموتوا', '{g} طفيليات', '{g} كلهم مجرمين', '{g} حيوانات'],
    negated: ['{g} ليسوا حشرات', 'أنا لا أكره {g}', 'لم أكره {g} أبدا', '{g} ليسوا وباء', 'لا أحد يجب أن يطرد {g}', '{g} ليسوا حثالة', 'لا، {g} ليسوا طفيليات'],
    counter: ['قول "{g} حشرات" كلام عنصري', 'توقفوا عن وصف {g} بالحيوانات', 'بلغت عن تغريدة تقول {g} لازم يموتوا', 'هذا الحساب يقول إن {g} طفيليات، هذا خطاب كراهية', '"اطردوا {g}" كلام مرفوض وندين هذا', 'عيب على من يقول إن {g} وباء'],
    neutral: ['{g} في حيّنا نظموا حفلة', 'تقرير عن {g} في سوق العمل', 'كثير من زملائي من {g}', 'فيلم وثائقي عن تاريخ {g}', '{g} لهم نفس الحقوق', 'الجمعية تساعد {g} في الأوراق'],
    reclaimed: ['أنا مثلي وأفتخر', 'نحن سود وفخورون بذلك', 'أنا امرأة وفخورة بنفسي', 'كوني معاق لا يعني أنني ضعيف', 'نحن لاجئون وفخورون بقصتنا'],
  },
  zh: {
    groups: [['穆斯林', 'religion'], ['犹太人', 'religion'], ['黑人', 'origin'], ['外国人', 'origin'], ['河南人', 'origin'], ['难民', 'origin'], ['女人', 'gender'], ['同性恋', 'sexual_orientation'], ['残疾人', 'disability']],
    hate: ['{g}都是害虫', '我恨{g}', '把{g}全部赶出去', '{g}就是瘟疫', '{g}滚出去', '{g}都是垃圾', '{g}都该死', '{g}是寄生虫', '{g}都是罪犯', '{g}就是畜生'],
    negated: ['{g}不是害虫', '我不恨{g}', '我从来没恨过{g}', '{g}不是瘟疫', '没有人应该赶走{g}', '{g}不是垃圾', '{g}不是寄生虫'],
    counter: ['说"{g}都是害虫"就是歧视', '别再把{g}叫畜生了', '我举报了一条说{g}都该死的帖子', '这个账号说{g}是寄生虫，这是仇恨言论', '"{g}滚出去"这种话不能接受，我谴责', '说{g}是瘟疫的人真可耻'],
    neutral: ['我们小区的{g}办了个聚会', '一份关于{g}就业的报告', '我的很多同事是{g}', '一部关于{g}历史的纪录片', '{g}享有同样的权利', '这个协会帮助{g}办手续'],
    reclaimed: ['作为基佬我很骄傲', '我是同志，我很骄傲', '我们是女性，我们骄傲', '作为黑人我为自己骄傲', '我是残疾人，我也很骄傲'],
  },
};

const TARGET_INDEX: Record<Attr, number> = { origin: 2, religion: 3, gender: 4, sexual_orientation: 5, disability: 6 };

export function augmentation(): AugRow[] {
  const out: AugRow[] = [];
  const neg = () => new Array<number>(LABELS.length).fill(0);
  for (const [lang, set] of Object.entries(SETS)) {
    for (const [g, attr] of set.groups) {
      const fill = (t: string) => t.replaceAll('{g}', g);
      for (const t of set.hate) {
        const y = neg();
        y[0] = 1;
        y[1] = 1;
        y[TARGET_INDEX[attr]] = 1;
        out.push({ text: fill(t), lang, y });
      }
      for (const t of [...set.negated, ...set.counter, ...set.neutral]) out.push({ text: fill(t), lang, y: neg() });
    }
    for (const t of set.reclaimed) for (let k = 0; k < 3; k++) out.push({ text: t, lang, y: neg() });
  }
  return out;
}
