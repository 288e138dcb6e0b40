/** Banks and screening rules of a service: hash banks and their entries, the service's HMA, the rules' modes. */
import { useTranslation } from 'react-i18next';
import { Banks } from './screening/Banks.tsx';
import { Hma } from './screening/Hma.tsx';
import { Rules } from './screening/Rules.tsx';

export function Screening({ service }: { service: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="screening-title" className="screening">
      <h2 id="screening-title">{t('admin.screening.title')}</h2>
      <Banks service={service} />
      <Hma service={service} />
      <Rules service={service} />
    </section>
  );
}
