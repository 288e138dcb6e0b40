import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api.ts';

/** GET a resource (null url: not yet); reload() fetches it again. Shared by every area of the console. */
export function useResource<T>(url: string | null): { data: T | null; error: ApiError | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    let live = true;
    api<T>('GET', url)
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'network')));
    return () => {
      live = false;
    };
  }, [url, tick]);
  return { data, error, reload: useCallback(() => setTick((x) => x + 1), []) };
}
