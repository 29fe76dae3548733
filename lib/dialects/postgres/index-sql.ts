/**
 * The select-list tail and FROM clause every query over `pg_index` shares: the key columns of index `i` in
 * order (`columns`), with its table `t`, the index's own class `ic` and the table's namespace `n`.
 */
export const INDEX_COLUMNS_FROM = `array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                      join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                     where k.ord <= i.indnkeyatts order by k.ord) as columns
         from pg_index i
         join pg_class t on t.oid = i.indrelid
         join pg_class ic on ic.oid = i.indexrelid
         join pg_namespace n on n.oid = t.relnamespace`;
