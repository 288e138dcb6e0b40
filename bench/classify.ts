/**
 * Classifier throughput on one core: texts per second through the whole pipeline (language ID with eld,
 * normalisation, features, int8 linear model, calibration), on texts from the held-out languages.
 *
 *   npm run bench:classify [-- --n 20000]
 */
import { performance } from 'node:perf_hooks';
import { TextHarmModel } from '../src/screening/classify/index.ts';

const nArg = process.argv.indexOf('--n');
const N = nArg >= 0 ? Number(process.argv[nArg + 1]) : 20000;
const SAMPLES = [
  '@user this is such a typical tweet about the game last night, what a disaster lol',
  'les arabes ne sont pas le problème, le problème c\'est la pauvreté dans nos quartiers',
  'Ich finde die Diskussion über Flüchtlinge in der Talkshow gestern ziemlich einseitig |LBR| naja',
  'rt @user o cara adultera dados, que foram desmascarados e ainda quer ficar no governo?',
  'صراحة نفسي اشوف اللي قالوا مدرب اجنبي منك لله ربنا ياخدك',
  '说这些。四川人是不是只有喝西北风才健康啊。抛开剂量谈毒性都是垃圾',
  'Esto es un texto en español que no está cubierto por el modelo',
  'y0u are a st00pid 1d10t and everyone kn0ws it!!!',
];
const texts = Array.from({ length: N }, (_, i) => `${SAMPLES[i % SAMPLES.length]} ${i}`);
let t = performance.now();
const model = TextHarmModel.load();
console.log(`load: ${(performance.now() - t).toFixed(0)} ms`);
for (let i = 0; i < 2000; i++) model.predict(texts[i]!); // warm-up
t = performance.now();
let covered = 0;
for (const s of texts) if (model.predict(s).scores) covered++;
const secs = (performance.now() - t) / 1000;
console.log(`${N} texts in ${secs.toFixed(2)} s: ${Math.round(N / secs)} texts/s on one core (${covered} scored, ${N - covered} to human review)`);
