import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import * as mysql from 'mysql2/promise';
import * as sqlite3 from 'sqlite3';
import { chinookSql } from '../support/chinook-sql';
import { MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** A loaded copy of Chinook: how to reach it, and how to throw it away. */
export interface Chinook {
  dialect: DialectName;
  /** Database URL whose default schema holds the Chinook tables (SQLite, MySQL). */
  url: string;
  /** PostgreSQL: the schema holding the tables (use it as the registry's `schema`). */
  schema?: string;
  /** Names as this dialect's script spells them: snake_case on PostgreSQL, PascalCase elsewhere. */
  n(snake: string): string;
  drop(): Promise<void>;
}

const pascal = (snake: string) =>
  snake
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

const stripDatabaseLines = (sql: string) =>
  sql
    .split('\n')
    .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|USE |\\c )/i.test(line))
    .join('\n');

/** Loads Chinook into a fresh SQLite file, PostgreSQL schema, or MariaDB database. */
export async function loadChinook(dialect: DialectName): Promise<Chinook> {
  if (dialect === 'sqlite') {
    const file = path.join(os.tmpdir(), `${uniqueName('chinook')}.db`);
    const sql = chinookSql('Chinook_Sqlite.sql');
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(file, (openError) => {
        if (openError) return reject(openError);
        db.exec(sql, (error) => db.close((closeError) => ((error ?? closeError) ? reject(error ?? closeError) : resolve())));
      });
    });
    return { dialect, url: `sqlite:///${file}`, n: pascal, drop: () => fs.rm(file, { force: true }) };
  }
  if (dialect === 'postgres') {
    const schema = uniqueName('chinook');
    const sql = stripDatabaseLines(chinookSql('Chinook_PostgreSql.sql'));
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`create schema "${schema}"; set search_path to "${schema}";\n${sql}`);
    } finally {
      await client.end();
    }
    const drop = async () => {
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await c.end();
      }
    };
    return { dialect, url: PG_URL, schema, n: (s) => s, drop };
  }
  const database = uniqueName('chinook');
  const sql = stripDatabaseLines(chinookSql('Chinook_MySql.sql'));
  const server = new URL(MYSQL_URL);
  const options = {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password) || undefined,
  };
  const conn = await mysql.createConnection({ ...options, multipleStatements: true });
  try {
    await conn.query(`create database \`${database}\`; use \`${database}\`;\n${sql}`);
  } finally {
    await conn.end();
  }
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  const drop = async () => {
    const c = await mysql.createConnection(options);
    try {
      await c.query(`drop database if exists \`${database}\``);
    } finally {
      await c.end();
    }
  };
  return { dialect, url: url.toString(), n: pascal, drop };
}
