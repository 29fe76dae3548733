type Row = Record<string, any>;

/** The untimed readers for contenders that return plain rows with `posts` / `tags` arrays attached. */
export const rowReaders = {
  readUser(e: unknown) {
    const r = e as Row;
    return { id: r.id, name: r.name, email: r.email, age: r.age };
  },
  readChildren(e: unknown) {
    const r = e as Row;
    return { id: r.id, titles: (r.posts as Row[]).map((p) => p.title) };
  },
  readTags(e: unknown) {
    const r = e as Row;
    return { id: r.id, tags: (r.tags as Row[]).map((t) => t.name) };
  },
};

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
