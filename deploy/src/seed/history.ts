import { geoCellKey, type AnomalyKind, type Source, type TicketPriority, type TicketStatus, type TicketTransition } from '@gridsight/contracts';
import { v7 as uuidV7 } from 'uuid';
import type { District, GatewaySeed, GridCellSeed, WorkerSeed } from './district.js';
import type { Random } from './random.js';

export interface IncidentRow {
  incidentId: string;
  kind: AnomalyKind;
  status: 'open' | 'cleared' | 'closed';
  lat: number;
  lon: number;
  geoCell: string;
  cellId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  sightings: number;
  raisedBy: Source;
  sources: Source[];
  maxConfidence: number;
  previousIncidentId: string | null;
  clearedAt: Date | null;
  clearedBy: Source | null;
  closedAt: Date | null;
}

export interface DetectionRow {
  eventId: string;
  observedAt: Date;
  type: 'detected' | 'updated' | 'cleared';
  kind: AnomalyKind;
  source: Source;
  confidence: number;
  lat: number;
  lon: number;
  accuracyM: number;
  geoCell: string;
  cellId: string;
  incidentId: string;
}

export interface TicketRow {
  ticketId: string;
  incidentId: string;
  kind: AnomalyKind;
  priority: TicketPriority;
  status: TicketStatus;
  lat: number;
  lon: number;
  cellId: string;
  assigneeId: string | null;
  escalated: boolean;
  acceptBy: Date | null;
  dueBy: Date;
  createdAt: Date;
  assignedAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  verifiedAt: Date | null;
  closedAt: Date | null;
  reopenCount: number;
}

export interface TicketEventRow {
  ticketId: string;
  seq: number;
  eventId: string;
  at: Date;
  transition: TicketTransition;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  actorType: 'system' | 'worker' | 'supervisor' | 'ops' | 'camera';
  actorId: string | null;
  note: string | null;
}

export interface History {
  incidents: IncidentRow[];
  detections: DetectionRow[];
  tickets: TicketRow[];
  ticketEvents: TicketEventRow[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Priority and SLA per kind, as dispatch applies them: accept window and time to fix. */
export const SEED_SLA: Record<AnomalyKind, { priority: TicketPriority; acceptMs: number; fixMs: number }> = {
  manhole_open: { priority: 'P1', acceptMs: 10 * MINUTE, fixMs: 2 * HOUR },
  bin_full: { priority: 'P2', acceptMs: 30 * MINUTE, fixMs: 8 * HOUR },
  garbage_pile: { priority: 'P3', acceptMs: 60 * MINUTE, fixMs: 24 * HOUR },
};

// Per-day means; weekends and the market street see more rubbish.
const DAILY_RATE: Record<AnomalyKind, number> = { garbage_pile: 22, bin_full: 6, manhole_open: 1.5 };
const WORK_MEDIAN_MS: Record<AnomalyKind, number> = { garbage_pile: 35 * MINUTE, bin_full: 15 * MINUTE, manhole_open: 30 * MINUTE };

interface Context {
  district: District;
  random: Random;
  now: number;
  history: History;
  closedByCell: Map<string, IncidentRow[]>;
}

/** A month (or `days`) of problems found, dispatched, fixed and verified, ending at `now`. */
export function buildHistory(district: District, random: Random, now: Date, days: number): History {
  const context: Context = {
    district,
    random,
    now: now.getTime(),
    history: { incidents: [], detections: [], tickets: [], ticketEvents: [] },
    closedByCell: new Map(),
  };
  const start = Math.floor(now.getTime() / DAY) * DAY - (days - 1) * DAY;
  const arrivals: { at: number; kind: AnomalyKind }[] = [];
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    for (const kind of Object.keys(DAILY_RATE) as AnomalyKind[]) {
      const count = poisson(random, DAILY_RATE[kind] * (weekend && kind !== 'manhole_open' ? 1.4 : 1));
      for (let i = 0; i < count; i++) arrivals.push({ at: dayStart + daytimeBiased(random), kind });
    }
  }
  arrivals.sort((a, b) => a.at - b.at);
  for (const arrival of arrivals) if (arrival.at < context.now) addIncident(context, arrival.kind, arrival.at);
  return context.history;
}

function addIncident(context: Context, kind: AnomalyKind, firstSeen: number): void {
  const { random, district, history } = context;
  const cell = random.weighted(district.cells.map((c, i) => [c, i % 4 === 0 ? 3 : 1] as const));
  const gateway = district.gateways.find((g) => g.cellId === cell.cellId)!;
  const earlier = context.closedByCell.get(cell.cellId)?.filter((i) => i.kind === kind) ?? [];
  const repeatOf = kind === 'garbage_pile' && earlier.length > 0 && random.chance(0.18) ? random.pick(earlier) : undefined;
  const point = repeatOf
    ? { lat: repeatOf.lat + random.between(-2e-5, 2e-5), lon: repeatOf.lon + random.between(-2e-5, 2e-5) }
    : { lat: random.between(cell.minLat, cell.maxLat), lon: random.between(cell.minLon, cell.maxLon) };
  const raisedBy = raisingSource(random, kind, gateway, firstSeen);
  const incidentId = uuidV7({ msecs: firstSeen, random: random.bytes(16) });
  const incident: IncidentRow = {
    incidentId,
    kind,
    status: 'open',
    ...point,
    geoCell: geoCellKey(point),
    cellId: cell.cellId,
    firstSeenAt: new Date(firstSeen),
    lastSeenAt: new Date(firstSeen),
    sightings: 0,
    raisedBy,
    sources: [raisedBy],
    maxConfidence: 0,
    previousIncidentId: repeatOf?.incidentId ?? null,
    clearedAt: null,
    clearedBy: null,
    closedAt: null,
  };
  if (raisedBy.type === 'camera' && random.chance(0.3)) {
    incident.sources.push({ ...raisedBy, deviceId: raisedBy.deviceId === 'cam-1' ? 'cam-2' : 'cam-1' });
  }
  if (random.chance(0.15)) incident.sources.push(citizen(random, firstSeen + random.between(5, 90) * MINUTE));

  const fixedAt = addTicket(context, incident, cell);
  addSightings(context, incident, fixedAt);
  history.incidents.push(incident);
  if (incident.status === 'closed') {
    const list = context.closedByCell.get(cell.cellId) ?? [];
    list.push(incident);
    context.closedByCell.set(cell.cellId, list);
  }
}

function raisingSource(random: Random, kind: AnomalyKind, gateway: GatewaySeed, at: number): Source {
  const type = random.weighted<Source['type']>(
    kind === 'bin_full'
      ? [['sensor', 0.7], ['citizen', 0.3]]
      : kind === 'manhole_open'
        ? [['camera', 0.5], ['sensor', 0.35], ['citizen', 0.15]]
        : [['camera', 0.8], ['citizen', 0.2]],
  );
  if (type === 'citizen') return citizen(random, at);
  if (type === 'sensor') return { type, gatewayId: gateway.gatewayId, deviceId: gateway.sensors[kind === 'bin_full' ? 1 : 0]! };
  return { type, gatewayId: gateway.gatewayId, deviceId: random.pick(gateway.cameras).cameraId };
}

function citizen(random: Random, at: number): Source {
  const day = new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
  return { type: 'citizen', gatewayId: 'open311', deviceId: `req-${day}-${String(random.int(1, 9999)).padStart(4, '0')}` };
}

/** Walks one ticket through its life up to `now`; returns when the problem was fixed, if it was. */
function addTicket(context: Context, incident: IncidentRow, cell: GridCellSeed): number | undefined {
  const { random, history, now } = context;
  const sla = SEED_SLA[incident.kind];
  const created = incident.firstSeenAt.getTime() + random.between(0.4, 3) * 1000;
  const ticket: TicketRow = {
    ticketId: uuidV7({ msecs: created, random: random.bytes(16) }),
    incidentId: incident.incidentId,
    kind: incident.kind,
    priority: sla.priority,
    status: 'new',
    lat: incident.lat,
    lon: incident.lon,
    cellId: cell.cellId,
    assigneeId: null,
    escalated: false,
    acceptBy: null,
    dueBy: new Date(created + sla.fixMs),
    createdAt: new Date(created),
    assignedAt: null,
    acceptedAt: null,
    resolvedAt: null,
    verifiedAt: null,
    closedAt: null,
    reopenCount: 0,
  };
  history.tickets.push(ticket);
  let seq = 0;
  let fixedAt: number | undefined;
  // Records a transition if it happened before now; returns false once the story runs past now.
  const step = (at: number, transition: TicketTransition, to: TicketStatus, actorType: TicketEventRow['actorType'], actorId: string | null, note: string | null = null): boolean => {
    if (at > now) return false;
    history.ticketEvents.push({
      ticketId: ticket.ticketId,
      seq: ++seq,
      eventId: uuidV7({ msecs: Math.floor(at), random: random.bytes(16) }),
      at: new Date(at),
      transition,
      fromStatus: transition === 'created' ? null : ticket.status,
      toStatus: to,
      actorType,
      actorId,
      note,
    });
    ticket.status = to;
    return true;
  };

  if (!step(created, 'created', 'new', 'system', null)) return undefined;
  const onDuty = onDutyWorker(context.district.workers, cell, created);
  const assignedAt = onDuty.at + random.between(0.2, 4) * 1000;
  ticket.assigneeId = onDuty.worker.workerId;
  ticket.acceptBy = new Date(assignedAt + sla.acceptMs);
  if (!step(assignedAt, 'assigned', 'assigned', 'system', null)) return undefined;
  ticket.assignedAt = new Date(assignedAt);

  if (random.chance(0.04)) {
    const cancelledAt = assignedAt + random.between(10, 90) * MINUTE;
    if (step(cancelledAt, 'cancelled', 'cancelled', 'supervisor', cell.supervisorId, '误报 false positive: shadow on the kerb')) {
      ticket.closedAt = new Date(cancelledAt);
      incident.status = 'closed';
      incident.closedAt = ticket.closedAt;
    }
    return undefined;
  }

  let acceptedAt = assignedAt + random.logNormal(4 * MINUTE, 0.9);
  if (acceptedAt > ticket.acceptBy.getTime()) {
    const other = context.district.workers.find((w) => w.homeCellId === cell.cellId && w.workerId !== ticket.assigneeId)!;
    if (!step(ticket.acceptBy.getTime(), 'reassigned', 'assigned', 'system', null, `not accepted in time; reassigned to ${other.workerId}`)) return undefined;
    ticket.assigneeId = other.workerId;
    acceptedAt = ticket.acceptBy.getTime() + random.logNormal(5 * MINUTE, 0.6);
    ticket.acceptBy = new Date(ticket.acceptBy.getTime() + sla.acceptMs);
  }
  if (!step(acceptedAt, 'accepted', 'accepted', 'worker', ticket.assigneeId)) return undefined;
  ticket.acceptedAt = new Date(acceptedAt);

  const backlog = incident.kind === 'garbage_pile' ? random.logNormal(2.5 * HOUR, 1.1) : random.logNormal(8 * MINUTE, 0.6);
  const startedAt = acceptedAt + backlog;
  if (!step(startedAt, 'started', 'in_progress', 'worker', ticket.assigneeId)) return undefined;

  let resolvedAt = startedAt + random.logNormal(WORK_MEDIAN_MS[incident.kind], 0.5);
  if (resolvedAt > ticket.dueBy.getTime()) {
    if (!step(ticket.dueBy.getTime(), 'escalated', 'in_progress', 'system', null, `SLA breached; escalated to ${cell.supervisorId}`)) return undefined;
    ticket.escalated = true;
  }
  if (!step(resolvedAt, 'resolved', 'resolved', 'worker', ticket.assigneeId, '已清理 cleared, photo attached')) return undefined;
  ticket.resolvedAt = new Date(resolvedAt);
  fixedAt = resolvedAt;

  if (random.chance(0.07)) {
    const reopenedAt = resolvedAt + random.between(5, 60) * MINUTE;
    const byCamera = incident.raisedBy.type === 'camera';
    if (!step(reopenedAt, 'reopened', 'accepted', byCamera ? 'camera' : 'supervisor', byCamera ? incident.raisedBy.deviceId : cell.supervisorId, byCamera ? 'camera still sees it' : '照片不清楚 photo does not show the fix')) return fixedAt;
    ticket.reopenCount = 1;
    ticket.resolvedAt = null;
    resolvedAt = reopenedAt + random.logNormal(50 * MINUTE, 0.6);
    if (!step(resolvedAt, 'resolved', 'resolved', 'worker', ticket.assigneeId)) return fixedAt;
    ticket.resolvedAt = new Date(resolvedAt);
    fixedAt = resolvedAt;
  }

  const selfVerifying = incident.raisedBy.type !== 'citizen';
  const verifiedAt = resolvedAt + (selfVerifying ? random.between(1, 10) * MINUTE : random.logNormal(40 * MINUTE, 0.7));
  if (selfVerifying) {
    incident.clearedAt = new Date(verifiedAt);
    incident.clearedBy = incident.raisedBy;
    incident.status = 'cleared';
  }
  if (!step(verifiedAt, 'verified', 'verified', selfVerifying ? (incident.raisedBy.type === 'camera' ? 'camera' : 'system') : 'supervisor', selfVerifying ? incident.raisedBy.deviceId : cell.supervisorId)) return fixedAt;
  ticket.verifiedAt = new Date(verifiedAt);
  const closedAt = verifiedAt + random.between(1, 30) * 1000;
  if (!step(closedAt, 'closed', 'closed', 'system', null)) return fixedAt;
  ticket.closedAt = new Date(closedAt);
  incident.status = 'closed';
  incident.closedAt = ticket.closedAt;
  return fixedAt;
}

// Day shift 07:00–15:00, evening 15:00–23:00, and the subdistrict's night on-call worker (district time is UTC+8).
function onDutyWorker(workers: WorkerSeed[], cell: GridCellSeed, at: number): { worker: WorkerSeed; at: number } {
  const localHour = (new Date(at).getUTCHours() + 8) % 24;
  const inCell = workers.filter((w) => w.homeCellId === cell.cellId);
  const shift = localHour >= 7 && localHour < 15 ? 'day' : localHour >= 15 && localHour < 23 ? 'evening' : 'night';
  const subdistrict = cell.cellId.split('-')[0];
  const worker =
    shift === 'night'
      ? workers.find((w) => w.shift === 'night' && w.homeCellId?.startsWith(`${subdistrict}-`))!
      : inCell.find((w) => w.shift === shift)!;
  return { worker, at };
}

function addSightings(context: Context, incident: IncidentRow, fixedAt: number | undefined): void {
  const { random, history, now } = context;
  const until = Math.min(fixedAt ?? now, now);
  const add = (source: Source, at: number, type: DetectionRow['type']): void => {
    if (at > now) return;
    const confidence = source.type === 'citizen' ? 0.6 : source.type === 'sensor' ? 1 : Math.min(0.99, random.between(0.55, 0.97));
    history.detections.push({
      eventId: uuidV7({ msecs: Math.floor(at), random: random.bytes(16) }),
      observedAt: new Date(at),
      type,
      kind: incident.kind,
      source,
      confidence,
      lat: incident.lat + random.between(-1e-5, 1e-5),
      lon: incident.lon + random.between(-1e-5, 1e-5),
      accuracyM: source.type === 'citizen' ? 25 : source.type === 'sensor' ? 1 : random.between(1.5, 6),
      geoCell: incident.geoCell,
      cellId: incident.cellId,
      incidentId: incident.incidentId,
    });
    if (type !== 'cleared') {
      incident.sightings++;
      incident.maxConfidence = Math.max(incident.maxConfidence, confidence);
      if (at > incident.lastSeenAt.getTime()) incident.lastSeenAt = new Date(at);
    }
  };
  for (const [index, source] of incident.sources.entries()) {
    const first = index === 0 ? incident.firstSeenAt.getTime() : incident.firstSeenAt.getTime() + random.between(1, 30) * MINUTE;
    add(source, first, 'detected');
    if (source.type === 'camera') {
      // A pile does not move: the edge sends a still-present update every 10 minutes.
      for (let at = first + 10 * MINUTE, n = 0; at < until && n < 24; at += 10 * MINUTE, n++) add(source, at, 'updated');
    }
    if (source.type !== 'citizen' && fixedAt !== undefined) add(source, fixedAt + random.between(1, 9) * MINUTE, 'cleared');
  }
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let product = random.next();
  let count = 0;
  while (product > limit) {
    product *= random.next();
    count++;
  }
  return count;
}

// More found by day (UTC+8 06:00–20:00) than by night; milliseconds into the UTC day.
function daytimeBiased(random: Random): number {
  const localHour = random.chance(0.8) ? random.between(6, 20) : random.between(20, 30) % 24;
  return ((localHour - 8 + 24) % 24) * HOUR;
}
