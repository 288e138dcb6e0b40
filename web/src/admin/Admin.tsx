/** Administration of a service (admin role): members, API keys, webhooks, Transparency Database, transparency reports, audit log. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect } from 'wouter';
import { ServicePicker } from '../app/ServicePicker.tsx';
import { useSession } from '../app/session.tsx';
import { ApiKeys } from './ApiKeys.tsx';
import { Audit } from './Audit.tsx';
import { HelpResources, Services } from './Instance.tsx';
import { Members } from './Members.tsx';
import { Notifiers } from './notifiers/Notifiers.tsx';
import { Policies } from './Policies.tsx';
import { Reports } from './Reports.tsx';
import { Screening } from './Screening.tsx';
import { Transparency } from './Transparency.tsx';
import { Webhooks } from './Webhooks.tsx';

const SECTIONS = ['members', 'keys', 'policy', 'screening', 'notifiers', 'webhooks', 'tdb', 'reports', 'audit'] as const;
/** Instance administrators also manage the services and the help-and-remedies data. */
const INSTANCE_SECTIONS = ['services', 'help'] as const;
type Section = (typeof SECTIONS)[number] | (typeof INSTANCE_SECTIONS)[number];

export default function Admin() {
  const { t } = useTranslation();
  const session = useSession();
  const services = session.services.filter((s) => s.role === 'admin' || session.user?.instance_admin);
  const [service, setService] = useState('');
  const [section, setSection] = useState<Section>('members');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const slug = service || services[0]?.slug || '';

  if (session.status === 'loading') return <p aria-busy="true">…</p>;
  if (session.status === 'signed-out') return <Redirect to="/login" />;
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('admin.title')}
      </h1>
      {services.length === 0 ? (
        <p>{t('admin.forbidden')}</p>
      ) : (
        <>
          <div className="inline-form">
            <ServicePicker id="admin-service" services={services} value={slug} onChange={setService} />
          </div>
          <nav aria-label={t('admin.sections')} className="tabs">
            <ul>
              {[...SECTIONS, ...(session.user?.instance_admin ? INSTANCE_SECTIONS : [])].map((s) => (
                <li key={s}>
                  <button type="button" aria-current={section === s ? 'page' : undefined} onClick={() => setSection(s)}>
                    {t(s === 'services' || s === 'help' ? `admin.instance.${s}.title` : s === 'screening' ? 'admin.screening.title' : `admin.${s}.title`)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {section === 'members' && <Members service={slug} />}
          {section === 'keys' && <ApiKeys service={slug} />}
          {section === 'policy' && <Policies service={slug} />}
          {section === 'screening' && <Screening service={slug} />}
          {section === 'notifiers' && <Notifiers service={slug} />}
          {section === 'services' && <Services />}
          {section === 'help' && <HelpResources />}
          {section === 'webhooks' && <Webhooks service={slug} />}
          {section === 'tdb' && <Transparency service={slug} />}
          {section === 'reports' && <Reports service={slug} />}
          {section === 'audit' && <Audit service={slug} />}
        </>
      )}
    </section>
  );
}
