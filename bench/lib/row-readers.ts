type Row = Record<string, any>;

const byId = <T extends { id: number }>(items: readonly T[]) => [...items].sort((a, b) => a.id - b.id);

/**
 * The untimed readers of a contender, given how to reach a parent's loaded children and a post's loaded
 * tags. Children and tags are reported by id: a joined eager load has no defined child order.
 */
export function readers(children: (parent: Row) => readonly Row[], tags: (post: Row) => readonly Row[]) {
  return {
    readUser(e: unknown) {
      const r = e as Row;
      return { id: r.id as number, name: r.name as string, email: r.email as string, age: r.age as number };
    },
    readChildren(e: unknown) {
      const r = e as Row;
      return { id: r.id as number, titles: byId(children(r) as { id: number }[]).map((p) => (p as Row).title as string) };
    },
    readTags(e: unknown) {
      const r = e as Row;
      return { id: r.id as number, tags: byId(tags(r) as { id: number }[]).map((t) => (t as Row).name as string) };
    },
  };
}

/** Readers for contenders whose results carry `posts` / `tags` arrays (rows or entities). */
export const rowReaders = readers(
  (u) => u.posts ?? [],
  (p) => p.tags ?? [],
);

/** Groups rows by a key column: the in-memory half of every two-query eager load. */
export function groupBy(rows: Row[], key: string): Map<unknown, Row[]> {
  const groups = new Map<unknown, Row[]>();
  for (const row of rows) {
    const list = groups.get(row[key]);
    if (list) list.push(row);
    else groups.set(row[key], [row]);
  }
  return groups;
}
