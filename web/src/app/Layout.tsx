import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from './api.ts';
import { LOCALES, setLocale, type Locale } from '../i18n/index.ts';
import { useSession } from './session.tsx';

/** Roles that read orders from authorities (orders:read, src/access/roles.ts). */
const ORDER_READERS = ['admin', 'senior_moderator', 'legal', 'auditor'];

function LocaleSwitch() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const choose = (l: Locale) => {
    setLocale(l);
    // Remembered per user too (best effort: the page has switched already).
    if (session.status === 'signed-in') void api('PATCH', '/v1/me', { locale: l }).catch(() => undefined);
  };
  return (
    <div className="locale-switch" role="group" aria-label={t('layout.language')}>
      {LOCALES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={i18n.language === l} onClick={() => choose(l)}>
          {l === 'fr' ? 'Français' : 'English'}
        </button>
      ))}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          Vigie
        </Link>
        <nav aria-label={t('layout.nav')}>
          <ul>
            <li>
              <Link href="/report">{t('nav.report')}</Link>
            </li>
            <li>
              <Link href="/track">{t('nav.track')}</Link>
            </li>
            <li>
              <Link href="/help">{t('nav.help')}</Link>
            </li>
            <li>
              <Link href="/transparency">{t('nav.transparency')}</Link>
            </li>
            {session.status === 'signed-in' ? (
              <>
                <li>
                  <Link href="/console">{t('nav.console')}</Link>
                </li>
                <li>
                  <Link href="/dashboard">{t('nav.dashboard')}</Link>
                </li>
                {session.services.some((s) => s.role !== null && ORDER_READERS.includes(s.role)) && (
                  <li>
                    <Link href="/orders">{t('orders.nav')}</Link>
                  </li>
                )}
                {(session.user?.instance_admin || session.services.some((s) => s.role === 'admin')) && (
                  <li>
                    <Link href="/admin">{t('nav.admin')}</Link>
                  </li>
                )}
                <li>
                  <button type="button" className="link" onClick={() => void session.logout()}>
                    {t('nav.logout')}
                  </button>
                </li>
              </>
            ) : (
              <li>
                <Link href="/login">{t('nav.login')}</Link>
              </li>
            )}
          </ul>
        </nav>
        <LocaleSwitch />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
