import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { ApiError } from './api.ts';
import { useSession } from './session.tsx';

export function Login() {
  const { t } = useTranslation();
  const session = useSession();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(email, password);
      navigate('/console');
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t('login.failed') : t('errors.generic'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{t('login.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <label htmlFor="login-email">{t('login.email')}</label>
        <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </section>
  );
}
