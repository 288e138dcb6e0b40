import { useTranslation } from 'react-i18next';
import type { ServiceRef } from './session.tsx';

/** Which service a page works on, when the person belongs to several (nothing when only one). */
export function ServicePicker({ id, services, value, onChange, className }: { id: string; services: ServiceRef[]; value: string; onChange: (slug: string) => void; className?: string }) {
  const { t } = useTranslation();
  if (services.length < 2) return null;
  return (
    <div className={className}>
      <label htmlFor={id}>{t('layout.service')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {services.map((s) => (
          <option key={s.slug} value={s.slug}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}
