/**
 * i18next with the two bundled locales (no backend to fetch from: the strings ship in the bundle). The
 * choice is kept in localStorage and, once signed in, in the user's profile (PATCH /v1/me).
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';
import publicEn from '../public/i18n/en.json';
import publicFr from '../public/i18n/fr.json';
import workspaceEn from '../workspace/i18n/en.json';
import workspaceFr from '../workspace/i18n/fr.json';
import dashboardEn from '../dashboard/i18n/en.json';
import dashboardFr from '../dashboard/i18n/fr.json';
import adminEn from '../admin/i18n/en.json';
import adminFr from '../admin/i18n/fr.json';
import adminScreeningEn from '../admin/i18n/screening.en.json';
import adminScreeningFr from '../admin/i18n/screening.fr.json';
import adminInstanceEn from '../admin/i18n/instance.en.json';
import adminInstanceFr from '../admin/i18n/instance.fr.json';
import adminNotifiersEn from '../admin/i18n/notifiers.en.json';
import adminNotifiersFr from '../admin/i18n/notifiers.fr.json';
import transparencyEn from '../transparency/i18n/en.json';
import transparencyFr from '../transparency/i18n/fr.json';
import ordersEn from '../orders/i18n/en.json';
import ordersFr from '../orders/i18n/fr.json';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'vigie.locale';

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage may be disabled: fall back to the browser's language
  }
  const nav = navigator.language.slice(0, 2);
  return isLocale(nav) ? nav : 'en';
}

void i18n.use(initReactI18next).init({
  // One namespace per area (`public.*`, `workspace.*`), each with its own files, merged into one tree.
  resources: {
    en: { translation: { ...en, public: publicEn, workspace: workspaceEn, dashboard: dashboardEn, transparency: transparencyEn, orders: ordersEn, admin: { ...adminEn, screening: adminScreeningEn, instance: adminInstanceEn, notifiers: adminNotifiersEn } } },
    fr: { translation: { ...fr, public: publicFr, workspace: workspaceFr, dashboard: dashboardFr, transparency: transparencyFr, orders: ordersFr, admin: { ...adminFr, screening: adminScreeningFr, instance: adminInstanceFr, notifiers: adminNotifiersFr } } },
  },
  lng: initialLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes; nothing is ever rendered as HTML
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export function setLocale(locale: Locale): void {
  void i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered in this browser; the profile still is
  }
}

export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : 'en';
}

const regionNames = new Map<string, Intl.DisplayNames>();

/** Dates, numbers and durations in the current locale (Intl: no hand-made formats). */
export const fmt = {
  /** A country's name from its ISO 3166 code, or from the EU's code for Greece (EL, Eurostat); the code if unknown. */
  region: (code: string) => {
    const locale = currentLocale();
    try {
      let names = regionNames.get(locale);
      if (!names) regionNames.set(locale, (names = new Intl.DisplayNames([locale], { type: 'region' })));
      return names.of(code === 'EL' ? 'GR' : code) ?? code;
    } catch {
      return code;
    }
  },
  dateTime: (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—'),
  date: (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium' }).format(new Date(iso)) : '—'),
  number: (n: number) => new Intl.NumberFormat(currentLocale()).format(n),
  /** "in 3 hours" / "dans 3 heures", "2 hours ago" / "il y a 2 heures". */
  relative: (iso: string, now = Date.now()) => {
    const diff = (new Date(iso).getTime() - now) / 1000;
    const rtf = new Intl.RelativeTimeFormat(currentLocale(), { numeric: 'auto' });
    const abs = Math.abs(diff);
    if (abs < 60) return rtf.format(Math.round(diff), 'second');
    if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
    if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
    return rtf.format(Math.round(diff / 86400), 'day');
  },
};

export default i18n;
