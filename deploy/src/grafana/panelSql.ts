/**
 * Every SQL query the dashboards run, in one place, so that tests execute each one against a real
 * database (see deploy/test/grafana). Grafana expands `$__timeFilter(col)`, `$__timeFrom()`,
 * `$__timeTo()` and the template variables `$district`, `$kind`, `$priority` (multi-value, quoted).
 */

const sourceLabel = (column: string) =>
  `CASE ${column} WHEN 'camera' THEN '摄像头 camera' WHEN 'sensor' THEN '传感器 sensor' WHEN 'citizen' THEN '市民 citizen' ELSE ${column} END`;

const incidentFilters = `i.kind IN ($kind) AND (c.district IN ($district) OR c.district IS NULL)`;

export const PANEL_SQL = {
  openIncidents: `
SELECT i.incident_id::text AS incident_id,
       i.kind,
       coalesce(t.priority, '-') AS priority,
       CASE WHEN t.ticket_id IS NULL THEN 'no ticket'
            WHEN t.due_by < now() THEN 'breached'
            WHEN t.due_by < now() + interval '1 hour' THEN 'at risk'
            ELSE 'on track' END AS sla_state,
       i.lat AS latitude,
       i.lon AS longitude,
       CASE i.kind WHEN 'manhole_open' THEN 'img/icons/marker/triangle.svg' ELSE 'img/icons/marker/circle.svg' END AS symbol,
       c.district,
       c.name AS cell,
       coalesce(t.status, '-') AS ticket_status,
       coalesce(w.display_name, '-') AS assignee,
       t.ticket_id::text AS ticket_id,
       i.first_seen_at AS time,
       i.sightings,
       round(extract(epoch FROM (t.due_by - now())) / 60) AS minutes_to_due
  FROM incidents i
  LEFT JOIN tickets t ON t.incident_id = i.incident_id
  LEFT JOIN workers w ON w.worker_id = t.assignee_id
  LEFT JOIN grid_cells c ON c.cell_id = i.cell_id
 WHERE i.status <> 'closed'
   AND ${incidentFilters}
   AND (t.priority IN ($priority) OR t.priority IS NULL)
 ORDER BY t.priority NULLS FIRST, t.due_by`,

  gridCells: `
SELECT c.cell_id,
       c.name AS cell,
       c.district,
       (c.min_lat + c.max_lat) / 2 AS latitude,
       (c.min_lon + c.max_lon) / 2 AS longitude,
       count(i.incident_id) AS open_incidents
  FROM grid_cells c
  LEFT JOIN incidents i ON i.cell_id = c.cell_id AND i.status <> 'closed' AND i.kind IN ($kind)
 WHERE c.district IN ($district)
 GROUP BY c.cell_id
 ORDER BY c.cell_id`,

  discoveredPerDayBySource: `
SELECT date_trunc('day', i.first_seen_at) AS time,
       ${sourceLabel("i.raised_by->>'type'")} AS metric,
       count(*) AS value
  FROM incidents i
  LEFT JOIN grid_cells c ON c.cell_id = i.cell_id
 WHERE $__timeFilter(i.first_seen_at) AND ${incidentFilters}
 GROUP BY 1, 2
 ORDER BY 1`,

  openedVsClosedPerDay: `
SELECT time, sum(opened) AS "新增 opened", sum(closed) AS "关闭 closed"
  FROM (SELECT date_trunc('day', i.first_seen_at) AS time, 1 AS opened, 0 AS closed
          FROM incidents i LEFT JOIN grid_cells c ON c.cell_id = i.cell_id
         WHERE $__timeFilter(i.first_seen_at) AND ${incidentFilters}
        UNION ALL
        SELECT date_trunc('day', i.closed_at), 0, 1
          FROM incidents i LEFT JOIN grid_cells c ON c.cell_id = i.cell_id
         WHERE $__timeFilter(i.closed_at) AND ${incidentFilters}) AS changes
 GROUP BY 1
 ORDER BY 1`,

  timeToDispatch: `
SELECT date_trunc('day', t.created_at) AS time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.assigned_at - t.created_at)) AS "p50 派单 dispatch",
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.assigned_at - t.created_at)) AS "p90 派单 dispatch"
  FROM tickets t
  LEFT JOIN grid_cells c ON c.cell_id = t.cell_id
 WHERE $__timeFilter(t.created_at) AND t.assigned_at IS NOT NULL
   AND t.kind IN ($kind) AND t.priority IN ($priority) AND (c.district IN ($district) OR c.district IS NULL)
 GROUP BY 1
 ORDER BY 1`,

  timeToResolve: `
SELECT date_trunc('day', t.created_at) AS time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.resolved_at - t.created_at)) AS "p50 解决 resolve",
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.resolved_at - t.created_at)) AS "p90 解决 resolve"
  FROM tickets t
  LEFT JOIN grid_cells c ON c.cell_id = t.cell_id
 WHERE $__timeFilter(t.created_at) AND t.resolved_at IS NOT NULL
   AND t.kind IN ($kind) AND t.priority IN ($priority) AND (c.district IN ($district) OR c.district IS NULL)
 GROUP BY 1
 ORDER BY 1`,

  slaCompliance: `
SELECT 100.0 * count(*) FILTER (WHERE t.resolved_at <= t.due_by)
       / nullif(count(*) FILTER (WHERE t.resolved_at IS NOT NULL OR t.due_by < now()), 0) AS value
  FROM tickets t
  LEFT JOIN grid_cells c ON c.cell_id = t.cell_id
 WHERE $__timeFilter(t.due_by) AND t.status <> 'cancelled'
   AND t.kind IN ($kind) AND t.priority IN ($priority) AND (c.district IN ($district) OR c.district IS NULL)`,

  slaCompliancePerDay: `
SELECT date_trunc('day', t.due_by) AS time,
       100.0 * count(*) FILTER (WHERE t.resolved_at <= t.due_by)
       / nullif(count(*) FILTER (WHERE t.resolved_at IS NOT NULL OR t.due_by < now()), 0) AS "SLA 达标 met %"
  FROM tickets t
  LEFT JOIN grid_cells c ON c.cell_id = t.cell_id
 WHERE $__timeFilter(t.due_by) AND t.status <> 'cancelled'
   AND t.kind IN ($kind) AND t.priority IN ($priority) AND (c.district IN ($district) OR c.district IS NULL)
 GROUP BY 1
 ORDER BY 1`,

  oneVisitResolution: `
SELECT 100.0 * count(*) FILTER (WHERE t.reopen_count = 0) / nullif(count(*), 0) AS value
  FROM tickets t
  LEFT JOIN grid_cells c ON c.cell_id = t.cell_id
 WHERE $__timeFilter(t.resolved_at)
   AND t.kind IN ($kind) AND t.priority IN ($priority) AND (c.district IN ($district) OR c.district IS NULL)`,

  repeatProblemsPerCell: `
SELECT c.name AS cell, count(i.incident_id) AS "重复问题 repeats"
  FROM grid_cells c
  LEFT JOIN incidents i ON i.cell_id = c.cell_id AND i.previous_incident_id IS NOT NULL
                       AND $__timeFilter(i.first_seen_at) AND i.kind IN ($kind)
 WHERE c.district IN ($district)
 GROUP BY c.cell_id
 ORDER BY 2 DESC, 1`,

  citizenReportsPerDay: `
SELECT date_trunc('day', bucket) AS time, sum(detections) AS "市民投诉 citizen reports"
  FROM detections_hourly
 WHERE source_type = 'citizen' AND $__timeFilter(bucket) AND kind IN ($kind)
 GROUP BY 1
 ORDER BY 1`,

  workloadPerWorker: `
SELECT w.display_name AS "工人 worker",
       coalesce(c.name, '-') AS "网格 cell",
       count(t.ticket_id) FILTER (WHERE t.status IN ('assigned', 'accepted', 'in_progress')) AS "在办 open",
       count(t.ticket_id) FILTER (WHERE $__timeFilter(t.resolved_at)) AS "已解决 resolved",
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.resolved_at - t.accepted_at))
              FILTER (WHERE $__timeFilter(t.resolved_at)) / 3600)::numeric, 1) AS "p50 处理小时 hours"
  FROM workers w
  LEFT JOIN grid_cells c ON c.cell_id = w.home_cell_id
  LEFT JOIN tickets t ON t.assignee_id = w.worker_id AND t.kind IN ($kind) AND t.priority IN ($priority)
 WHERE w.role = 'worker' AND (c.district IN ($district) OR c.district IS NULL)
 GROUP BY w.worker_id, w.display_name, c.name
 ORDER BY 3 DESC, 4 DESC`,

  gatewaysOnline: `
SELECT count(*) FILTER (WHERE online) AS "在线 online",
       count(*) FILTER (WHERE NOT online) AS "离线 offline"
  FROM gateways
 WHERE state = 'active'`,

  offlineGateways: `
SELECT gateway_id AS "网关 gateway", coalesce(display_name, '-') AS "位置 place", last_seen_at AS "最后在线 last seen",
       agent_version AS "版本 version"
  FROM gateways
 WHERE state = 'active' AND NOT online
 ORDER BY last_seen_at NULLS FIRST`,

  detectionsPerMinute: `
SELECT date_trunc('minute', observed_at) AS time, ${sourceLabel('source_type')} AS metric, count(*) AS value
  FROM detections
 WHERE $__timeFilter(observed_at)
 GROUP BY 1, 2
 ORDER BY 1`,

  districts: `SELECT DISTINCT district FROM grid_cells ORDER BY 1`,
} as const;

export type PanelSqlName = keyof typeof PANEL_SQL;
