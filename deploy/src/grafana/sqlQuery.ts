import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { POSTGRES_DS } from './datasources.js';
import { PANEL_SQL, type PanelSqlName } from './panelSql.js';

/** A query of Grafana's PostgreSQL datasource; the foundation SDK ships no builder for it. */
export interface PostgresQuery {
  refId: string;
  datasource: { type: string; uid: string };
  editorMode: 'code';
  rawQuery: true;
  format: 'table' | 'time_series';
  rawSql: string;
  _implementsDataqueryVariant(): void;
}

export class PostgresQueryBuilder implements Builder<Dataquery> {
  private readonly internal: PostgresQuery;

  constructor(name: PanelSqlName, format: PostgresQuery['format'], refId = 'A') {
    this.internal = {
      refId,
      datasource: { ...POSTGRES_DS },
      editorMode: 'code',
      rawQuery: true,
      format,
      rawSql: PANEL_SQL[name].trim(),
      _implementsDataqueryVariant() {},
    };
  }

  build(): PostgresQuery {
    return this.internal;
  }
}

export const tableQuery = (name: PanelSqlName, refId = 'A') => new PostgresQueryBuilder(name, 'table', refId);
export const timeSeriesQuery = (name: PanelSqlName, refId = 'A') => new PostgresQueryBuilder(name, 'time_series', refId);
