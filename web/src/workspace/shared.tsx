/** Workspace plumbing: the chosen service, keyboard shortcuts, the daily exposure counter, the h1 focus. */
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';

export const ServiceContext = createContext<string>('default');
export const useService = () => useContext(ServiceContext);
export const base = (service: string) => `/v1/services/${encodeURIComponent(service)}`;

/** True when a key press belongs to what the person is typing (shortcuts stay off). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Single-key shortcuts (no modifier), never while typing in a field. */
export function useShortcuts(map: Record<string, () => void>): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (typing(e.target)) return;
      const fn = ref.current[e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Focus the page's h1 after navigation (screen readers announce the new page). */
export function useFocusHeading<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

// --- Daily exposure counter (reveals of guarded media today), kept in this browser only ---

const EXPOSURE_KEY = 'vigie.exposure';
const HIDE_KEY = 'vigie.exposure.hidden';
const listeners = new Set<() => void>();
const today = () => new Date().toISOString().slice(0, 10);

function readExposure(): number {
  try {
    const v = JSON.parse(localStorage.getItem(EXPOSURE_KEY) ?? 'null') as { day?: string; count?: number } | null;
    return v && v.day === today() && typeof v.count === 'number' ? v.count : 0;
  } catch {
    return 0;
  }
}

export function countReveal(): void {
  try {
    localStorage.setItem(EXPOSURE_KEY, JSON.stringify({ day: today(), count: readExposure() + 1 }));
  } catch {
    // storage disabled: the counter stays at what it was
  }
  listeners.forEach((l) => l());
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useExposure(): { count: number; hidden: boolean; setHidden(v: boolean): void } {
  const count = useSyncExternalStore(subscribe, readExposure);
  const [hidden, setHiddenState] = useState(() => {
    try {
      return localStorage.getItem(HIDE_KEY) === '1';
    } catch {
      return false;
    }
  });
  const setHidden = useCallback((v: boolean) => {
    setHiddenState(v);
    try {
      localStorage.setItem(HIDE_KEY, v ? '1' : '0');
    } catch {
      // not remembered
    }
  }, []);
  return { count, hidden, setHidden };
}

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The SLA label of a due time, in words (fmt.relative), and whether it is past. */
export function dueLabel(t: (k: string, o?: Record<string, unknown>) => string, relative: (iso: string) => string, iso: string): { text: string; overdue: boolean } {
  const overdue = new Date(iso).getTime() < Date.now();
  return { text: t(overdue ? 'workspace.overdue' : 'workspace.due', { rel: relative(iso) }), overdue };
}
