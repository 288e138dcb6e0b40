/** The moderators' workspace (signed in), mounted under /console: queues and cases, one case with its decision. */
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { ServicePicker } from '../app/ServicePicker.tsx';
import { useSession } from '../app/session.tsx';
import { fmt } from '../i18n/index.ts';
import { Queues } from './Queues.tsx';
import { AppealPage, AppealsList, Approvals } from './Reviews.tsx';
import { ServiceContext, useExposure } from './shared.tsx';

const CasePage = lazy(() => import('./CasePage.tsx'));
const SERVICE_KEY = 'vigie.workspace.service';

function ExposureCounter() {
  const { t } = useTranslation();
  const { count, hidden, setHidden } = useExposure();
  return (
    <div className="exposure">
      {hidden ? null : (
        <span role="status" aria-live="polite">
          {t('workspace.exposure.count', { count, n: fmt.number(count) })}
        </span>
      )}
      <button type="button" className="link" aria-pressed={hidden} onClick={() => setHidden(!hidden)}>
        {t(hidden ? 'workspace.exposure.show' : 'workspace.exposure.hide')}
      </button>
    </div>
  );
}

function WorkspaceNav() {
  const { t } = useTranslation();
  const [location] = useLocation();
  const item = (href: string, label: string) => (
    <li>
      <Link href={href} aria-current={(href === '/' ? location === '/' || location.startsWith('/cases') : location.startsWith(href)) ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label={t('workspace.nav')} className="workspace-nav">
      <ul>
        {item('/', t('workspace.queues'))}
        {item('/appeals', t('workspace.appeals.title'))}
        {item('/approvals', t('workspace.approvals.title'))}
      </ul>
    </nav>
  );
}

export default function Workspace() {
  const { t } = useTranslation();
  const session = useSession();
  const services = session.services.filter((s) => s.role !== null);
  const [chosen, setChosen] = useState<string | null>(() => {
    try {
      return localStorage.getItem(SERVICE_KEY);
    } catch {
      return null;
    }
  });
  if (session.status === 'loading') return <p aria-busy="true">…</p>;
  if (session.status === 'signed-out') return <Redirect to="~/login" />;
  const service = services.find((s) => s.slug === chosen)?.slug ?? services[0]?.slug;
  const choose = (slug: string) => {
    setChosen(slug);
    try {
      localStorage.setItem(SERVICE_KEY, slug);
    } catch {
      // not remembered
    }
  };
  return (
    <div className="workspace">
      <div className="workspace-bar">
        <ServicePicker id="ws-service" className="service-picker" services={services} value={service ?? ''} onChange={choose} />
        <ExposureCounter />
      </div>
      {service === undefined ? (
        <section>
          <h1>{t('workspace.title')}</h1>
          <p>{t('workspace.noService')}</p>
        </section>
      ) : (
        <ServiceContext.Provider value={service}>
          <WorkspaceNav />
          <Suspense fallback={<p aria-busy="true">…</p>}>
            <Switch>
              <Route path="/">
                <Queues key={service} />
              </Route>
              <Route path="/cases/:id">{(p) => <CasePage key={`${service}/${p.id}`} id={p.id} />}</Route>
              <Route path="/appeals">
                <AppealsList key={service} />
              </Route>
              <Route path="/appeals/:id">{(p) => <AppealPage key={`${service}/${p.id}`} id={p.id} />}</Route>
              <Route path="/approvals">
                <Approvals key={service} />
              </Route>
            </Switch>
          </Suspense>
        </ServiceContext.Provider>
      )}
    </div>
  );
}
