import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

export function Home() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul className="cards">
        <li>
          <Link href="/report">{t('nav.report')}</Link>
          <p>{t('home.report')}</p>
        </li>
        <li>
          <Link href="/track">{t('nav.track')}</Link>
          <p>{t('home.track')}</p>
        </li>
        <li>
          <Link href="/help">{t('nav.help')}</Link>
          <p>{t('home.help')}</p>
        </li>
      </ul>
    </section>
  );
}
