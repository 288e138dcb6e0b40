/** Who is signed in (from GET /v1/me), the services they belong to and their role in each. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isLocale, setLocale } from '../i18n/index.ts';
import { api, ApiError, setCsrfToken } from './api.ts';

export interface User {
  id: string;
  email: string;
  display_name: string;
  instance_admin: boolean;
  locale: string;
}
export interface ServiceRef {
  id: string;
  slug: string;
  name: string;
  role: string | null;
}
interface SessionState {
  status: 'loading' | 'signed-out' | 'signed-in';
  user: User | null;
  services: ServiceRef[];
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [services, setServices] = useState<ServiceRef[]>([]);

  const load = useCallback(async () => {
    try {
      const me = await api<{ kind: string; user: User; csrf_token: string }>('GET', '/v1/me');
      setCsrfToken(me.csrf_token);
      const list = await api<{ items: ServiceRef[] }>('GET', '/v1/services');
      setUser(me.user);
      setServices(list.items);
      if (isLocale(me.user.locale)) setLocale(me.user.locale);
      setStatus('signed-in');
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) console.warn('session', err);
      setCsrfToken(null);
      setUser(null);
      setStatus('signed-out');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const value = useMemo<SessionState>(
    () => ({
      status,
      user,
      services,
      async login(email, password) {
        const r = await api<{ csrf_token: string }>('POST', '/v1/auth/login', { email, password });
        setCsrfToken(r.csrf_token);
        await load();
      },
      async logout() {
        await api('POST', '/v1/auth/logout').catch(() => undefined);
        setCsrfToken(null);
        setUser(null);
        setServices([]);
        setStatus('signed-out');
      },
    }),
    [status, user, services, load],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
