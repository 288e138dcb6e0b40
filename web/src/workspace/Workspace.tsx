/** The moderators' workspace (signed in), mounted under /console. */
import { useTranslation } from 'react-i18next';
import { Redirect } from 'wouter';
import { useSession } from '../app/session.tsx';

export default function Workspace() {
  const { t } = useTranslation();
  const session = useSession();
  if (session.status === 'loading') return <p aria-busy="true">…</p>;
  if (session.status === 'signed-out') return <Redirect to="~/login" />;
  return (
    <section>
      <h1>{t('workspace.title')}</h1>
    </section>
  );
}
