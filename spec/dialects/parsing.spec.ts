import { quotedBody, sameChoices, typeParts } from '../../lib/dialects/common';
import { literalDefault, quotedList } from '../../lib/dialects/introspection';
import { checkChoices } from '../../lib/dialects/postgres/introspect';
import { checkedChoices } from '../../lib/dialects/sqlite/introspect';

describe('dialect parsing helpers', () => {
  it('takes type names apart', () => {
    expect(typeParts('int(10) unsigned')).toEqual({ base: 'int', args: [10], modifiers: ['unsigned'] });
    expect(typeParts('int unsigned')).toEqual({ base: 'int', args: [], modifiers: ['unsigned'] });
    expect(typeParts('character varying(120)')).toEqual({ base: 'character varying', args: [120], modifiers: [] });
    expect(typeParts('double precision')).toEqual({ base: 'double precision', args: [], modifiers: [] });
    expect(typeParts('DECIMAL(10, 2)')).toEqual({ base: 'decimal', args: [10, 2], modifiers: [] });
    expect(typeParts('timestamp(3) with time zone')).toEqual({ base: 'timestamp with time zone', args: [3], modifiers: [] });
    expect(typeParts("enum('a','b(c)')")).toEqual({ base: 'enum', args: [], modifiers: [] });
    expect(typeParts('INTEGER')).toEqual({ base: 'integer', args: [], modifiers: [] });
  });

  it('compares enum choices as a list or as a set', () => {
    expect(sameChoices(['a', 'b'], ['b', 'a'], false)).toBe(true);
    expect(sameChoices(['a', 'b'], ['b', 'a'], true)).toBe(false);
    expect(sameChoices([1, 2], ['1', '2'], true)).toBe(true);
    expect(sameChoices(['a'], ['a', 'b'], false)).toBe(false);
    expect(sameChoices(['a'], undefined, false)).toBe(false);
  });

  it('escapes enum choices for the DDL knex pastes them into', () => {
    expect(quotedBody("it's")).toBe("it''s");
    expect(quotedBody('a\\b')).toBe('a\\b');
    expect(quotedBody('a\\b', true)).toBe('a\\\\b');
  });

  it('reads lists of string literals, and nothing else', () => {
    expect(quotedList("'a', 'it''s' ,'c'")).toEqual(['a', "it's", 'c']);
    expect(quotedList("'a'::text, 'b'::text", /::text/)).toEqual(['a', 'b']);
    expect(quotedList("'a', 1")).toBeUndefined();
    expect(quotedList("'a' 'b'")).toBeUndefined();
    expect(quotedList('')).toBeUndefined();
  });

  it("reads keelson's enum CHECK from SQLite's CREATE TABLE text", () => {
    const sql =
      "CREATE TABLE `t` (`a` text default 'check (`b` in (''x''))', `b` text check (`b` in ('draft', 'it''s')), " +
      "\"Mood\" text check (\"Mood\" in ('calm')), c text check (c in ('x')) check (c in ('y')), d text check (d in (1, 2)))";
    const choices = checkedChoices(sql);
    // The literal default that looks like a CHECK is skipped; c has two lists; d's are no strings.
    expect(Object.fromEntries(choices)).toEqual({ b: ['draft', "it's"], Mood: ['calm'] });
    expect(checkedChoices(null).size).toBe(0);
  });

  it("reads keelson's enum CHECK as PostgreSQL prints it", () => {
    expect(checkChoices("CHECK ((status = ANY (ARRAY['draft'::text, 'it''s'::text])))", 'status')).toEqual(['draft', "it's"]);
    expect(checkChoices("CHECK ((\"Mood\" = ANY (ARRAY['calm'::text, 'wild'::text])))", 'Mood')).toEqual(['calm', 'wild']);
    expect(checkChoices("CHECK ((solitary = 'only'::text))", 'solitary')).toEqual(['only']);
    expect(checkChoices("CHECK ((status = ANY (ARRAY['a'::text]))) NOT VALID", 'status')).toBeUndefined();
    expect(checkChoices('CHECK ((n > 0))', 'n')).toBeUndefined();
    expect(checkChoices("CHECK ((other = ANY (ARRAY['a'::text])))", 'status')).toBeUndefined();
  });

  it('reads literal defaults: numbers with exponents, MariaDB escapes, bare numbers of text columns', () => {
    expect(literalDefault("'1e+21'::double precision", 'float')).toBe(1e21);
    expect(literalDefault('1e-07', 'float')).toBe(1e-7);
    expect(literalDefault('1e21', 'float')).toBe(1e21);
    expect(literalDefault("'-3.75'::numeric", 'decimal')).toBe('-3.75');
    expect(literalDefault("'q''s \\\\ b\\nnl'", 'string', { backslashEscapes: true })).toBe("q's \\ b\nnl");
    expect(literalDefault("'a\\b'::text", 'text')).toBe('a\\b');
    expect(literalDefault('5', 'string')).toBe('5');
    expect(literalDefault("'1'", 'boolean')).toBe(true);
    expect(literalDefault("'0'", 'boolean')).toBe(false);
    expect(literalDefault('false', 'boolean')).toBe(false);
    expect(literalDefault("'maybe'", 'boolean')).toBeUndefined();
    expect(literalDefault('CURRENT_TIMESTAMP', 'datetime')).toBeUndefined();
  });
});
