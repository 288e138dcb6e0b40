import { z } from 'zod';

/** Opaque keyset cursor: base64url of the JSON sort key of the last row returned. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A query-string cursor that decodes to a tuple; a bad cursor is a field error like any other. */
export function cursorParam<T extends z.ZodTuple>(tuple: T) {
  return z
    .string()
    .max(512)
    .transform((value, ctx) => {
      try {
        const parsed = tuple.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
        if (parsed.success) return parsed.data as z.output<T>;
      } catch {
        /* fall through */
      }
      ctx.addIssue({ code: 'custom', message: 'invalid cursor (use next_cursor from the previous page)' });
      return z.NEVER;
    });
}

export const limitParam = z.coerce.number().int().min(1).max(200).default(50);

/** `{ items, next_cursor }` from a page fetched with limit + 1 rows. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => readonly unknown[]): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });
