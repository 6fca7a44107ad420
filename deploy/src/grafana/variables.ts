import { ANOMALY_KINDS, TICKET_PRIORITIES } from '@gridsight/contracts';
import { CustomVariableBuilder, QueryVariableBuilder, VariableRefresh, type DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { POSTGRES_DS } from './datasources.js';
import { PANEL_SQL } from './panelSql.js';

const postgres: DataSourceRef = { ...POSTGRES_DS };

/** The filters of the issue: district, kind, priority; each multi-value with All selected. */
export function districtVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('district')
    .label('街道 District')
    .datasource(postgres)
    .query(PANEL_SQL.districts)
    .definition(PANEL_SQL.districts)
    .refresh(VariableRefresh.OnDashboardLoad)
    .multi(true)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' });
}

export function kindVariable(): CustomVariableBuilder {
  return new CustomVariableBuilder('kind')
    .label('类型 Kind')
    .values(ANOMALY_KINDS.join(','))
    .multi(true)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' });
}

export function priorityVariable(): CustomVariableBuilder {
  return new CustomVariableBuilder('priority')
    .label('优先级 Priority')
    .values(TICKET_PRIORITIES.join(','))
    .multi(true)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' });
}
