/**
 * Robustness cases written for this project, per covered language and failure mode. Evaluation only:
 * never part of training (the augmentation set in augment.ts is worded separately). Used by
 * test/classifier.test.ts and by the training script for the pass rates in docs/model-card.md.
 *
 * Families: `control` (plain hate/abuse the model must catch, so a model scoring everything low cannot
 * pass), `obfuscation` (leet, spacing, repeats, homoglyphs, zero-width: must still score high),
 * `negation`, `counter_speech` (quoting or denouncing hate), `reclaimed` (in-group self-identifying use)
 * and `neutral_mention` (must score low). German has no hate labels in its data: its cases check `abuse`.
 */
import type { Scores } from './model.ts';

export type Family = 'control' | 'obfuscation' | 'negation' | 'counter_speech' | 'reclaimed' | 'neutral_mention';
export interface RobustnessCase {
  family: Family;
  lang: string;
  text: string;
  expect: Partial<Record<'hate' | 'abuse', 'high' | 'low'>>;
}

const H = { hate: 'high' } as const;
const A = { abuse: 'high' } as const;
const NOT_HATE = { hate: 'low' } as const;
const CLEAN = { hate: 'low', abuse: 'low' } as const;
const DE_CLEAN = { abuse: 'low' } as const;

const c = (family: Family, lang: string, expect: RobustnessCase['expect'], ...texts: string[]): RobustnessCase[] =>
  texts.map((text) => ({ family, lang, text, expect }));

export const ROBUSTNESS_CASES: RobustnessCase[] = [
  // ── control ──
  ...c('control', 'en', H, 'Muslims are a plague on this country', 'send every immigrant back, they are rats'),
  ...c('control', 'fr', H, 'les arabes sont des rats, dehors', 'ces juifs sont une vermine'),
  ...c('control', 'de', A, 'du bist ein dummes stück scheiße', 'halt die fresse, du vollidiot'),
  ...c('control', 'pt', H, 'esses nordestinos são uma praga', 'viado tem que morrer'),
  ...c('control', 'ar', H, 'اليهود حثالة ويجب طردهم', 'النساء ناقصات عقل وحيوانات'),
  ...c('control', 'zh', H, '黑人就是一群垃圾', '河南人都是骗子和罪犯'),
  // ── obfuscation ──
  ...c('obfuscation', 'en', H, 'Musl1ms are a pl4gue on this country', 'send every immigrant back, they are r a t s', 'muuuuslims are a plaaaague', 'Muslіms аre a plague on this country'),
  ...c('obfuscation', 'en', A, 'shut up you stup1d b1tch', 'you are a f.u.c.k.i.n.g idiot'),
  ...c('obfuscation', 'fr', H, 'les 4r4bes sont des r4ts, dehors', 'ces j u i f s sont une vermine', 'les arabes sont des raaaaats'),
  ...c('obfuscation', 'fr', A, 'ferme ta gueule espèce de c0nn4rd'),
  ...c('obfuscation', 'de', A, 'du bist ein dummes stück sch31ße', 'halt die fr3sse, du v0llidiot', 'du bist ein dummes stück s c h e i ß e', 'halt die fresse, du vollіdіot'),
  ...c('obfuscation', 'pt', H, 'esses nord3st1nos são uma pr4ga', 'v1ado tem que morrer', 'esses nordestinos são uma praaaaga'),
  ...c('obfuscation', 'ar', H, 'اليهود حثالة\u200B ويجب طردهم', 'اليهوووود حثالة ويجب طردهم'),
  ...c('obfuscation', 'zh', H, '黑人就是一群垃\u200B圾', '黑 人就是一群垃圾'),
  // ── negation ──
  ...c('negation', 'en', NOT_HATE, 'Muslims are not a plague on this country', "immigrants aren't rats, they are our neighbours", 'I never said jews are vermin'),
  ...c('negation', 'fr', NOT_HATE, 'les arabes ne sont pas des rats', "les juifs ne sont pas une vermine, point", "je n'ai rien contre les noirs"),
  ...c('negation', 'de', DE_CLEAN, 'flüchtlinge sind keine ratten', 'ich finde ausländer überhaupt nicht schlimm', 'muslime sind nicht gefährlich'),
  ...c('negation', 'pt', NOT_HATE, 'nordestinos não são uma praga', 'gays não são doentes', 'negros não são inferiores a ninguém'),
  ...c('negation', 'ar', NOT_HATE, 'اليهود ليسوا حثالة', 'النساء لسن ناقصات عقل', 'المهاجرين ليسوا مجرمين'),
  ...c('negation', 'zh', NOT_HATE, '黑人不是垃圾', '河南人不是骗子', '同性恋不是病'),
  // ── counter-speech ──
  ...c('counter_speech', 'en', NOT_HATE, 'Someone wrote "muslims are a plague" under my post. That is pure racism.', 'Calling immigrants rats is dehumanizing and I reported it', 'people who say jews are vermin are spreading hate speech, do not share it'),
  ...c('counter_speech', 'fr', NOT_HATE, '« les arabes sont des rats » : ce genre de message est raciste, je signale', 'traiter les juifs de vermine, c\'est de l\'antisémitisme, point', 'arrêtez de dire que les noirs sont des singes, c\'est raciste'),
  ...c('counter_speech', 'de', DE_CLEAN, 'wer flüchtlinge als ratten bezeichnet, betreibt hetze. gemeldet.', '„ausländer raus“ ist rassistisch und inakzeptabel', 'ich verurteile, dass muslime hier als gefahr dargestellt werden'),
  ...c('counter_speech', 'pt', NOT_HATE, 'falar que "nordestinos são uma praga" é preconceito, denunciei', 'chamar gays de doentes é homofobia', 'quem diz que negros são inferiores está sendo racista'),
  ...c('counter_speech', 'ar', NOT_HATE, 'قول إن "اليهود حثالة" عنصرية مرفوضة', 'وصف النساء بأنهن ناقصات عقل تمييز وعيب', 'بلغت عن حساب يقول إن المهاجرين مجرمين، هذا خطاب كراهية'),
  ...c('counter_speech', 'zh', NOT_HATE, '说"黑人是垃圾"就是种族歧视', '把河南人叫骗子是地域黑，我举报了', '别再说同性恋是病了，这是偏见'),
  // ── reclaimed / in-group ──
  ...c('reclaimed', 'en', NOT_HATE, "I'm queer and I'm happy, happy pride everyone", 'us dykes are organising a picnic this sunday', 'proud crip here, my wheelchair is my freedom'),
  ...c('reclaimed', 'fr', NOT_HATE, 'je suis pédé et je vis très bien, merci', 'les gouines du collectif organisent une soirée', 'fière d\'être une femme noire'),
  ...c('reclaimed', 'de', DE_CLEAN, 'ich bin schwul, na und?', 'wir lesben treffen uns am samstag im café', 'stolz, queer zu sein'),
  ...c('reclaimed', 'pt', NOT_HATE, 'sou bicha e feliz', 'as sapatão do coletivo vão fazer uma festa', 'orgulho de ser travesti'),
  ...c('reclaimed', 'ar', NOT_HATE, 'أنا امرأة سوداء وأفتخر', 'نحن مثليون ولنا حقوق', 'أنا لاجئ وأفتخر بأصلي'),
  ...c('reclaimed', 'zh', NOT_HATE, '我是基佬，我很开心', '作为同志我为自己骄傲', '我是残疾人，但我活得很好'),
  // ── neutral mentions ──
  ...c('neutral_mention', 'en', CLEAN, 'the mosque is hosting an open day for its muslim neighbours', 'a study of how immigrants find work in the first year', 'my gay brother is getting married in june'),
  ...c('neutral_mention', 'fr', CLEAN, 'la mosquée organise une journée portes ouvertes', 'une étude sur le travail des immigrés arrivés récemment', 'mon frère homosexuel se marie en juin'),
  ...c('neutral_mention', 'de', DE_CLEAN, 'die moschee lädt zum tag der offenen tür ein', 'eine studie über die arbeit von migranten im ersten jahr', 'mein schwuler bruder heiratet im juni'),
  ...c('neutral_mention', 'pt', CLEAN, 'a mesquita abre as portas para os vizinhos muçulmanos', 'um estudo sobre o trabalho dos imigrantes no primeiro ano', 'meu irmão gay vai casar em junho'),
  ...c('neutral_mention', 'ar', CLEAN, 'المسجد يفتح أبوابه للجيران المسلمين', 'دراسة عن عمل المهاجرين في السنة الأولى', 'أختي تعمل مع النساء اللاجئات'),
  ...c('neutral_mention', 'zh', CLEAN, '清真寺今天向穆斯林邻居开放', '一项关于外来移民第一年就业的研究', '我的同性恋哥哥六月结婚'),
];

/** Whether `scores` meet the case's expectations: `high` = at or above the label's operating threshold for
 *  the language (manifest `thresholds`, else 0.5), `low` = below it. A null score never passes. */
export function passes(rc: RobustnessCase, scores: Scores | null, thresholds: Record<string, number | null> = {}): boolean {
  if (!scores) return false;
  for (const [label, want] of Object.entries(rc.expect)) {
    const p = scores[label];
    if (p === null || p === undefined) return false;
    const th = thresholds[label] ?? 0.5;
    if (want === 'high' ? p < th : p >= th) return false;
  }
  return true;
}
