import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, devices, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { v7 as uuidv7 } from 'uuid';
import { createLogger } from '@gridsight/service-kit';
import { listenForTicketNotices, type TicketNotices } from '../../src/adapters/db/ticketNotices.js';
import { streamRoute } from '../../src/adapters/http/routes/stream.js';
import { webAppRoutes } from '../../src/adapters/http/routes/webApp.js';
import { handleIncidentEvent } from '../../src/workflows/handleIncidentEvent.js';
import { createApiWorld, PASSWORD, type ApiWorld } from '../support/api.js';
import { openIncident } from '../support/world.js';

const CHROMIUM = '/usr/bin/chromium';

describe('worker web app in Chromium at a phone viewport (real PostgreSQL)', function () {
  this.timeout(180_000);
  let world: ApiWorld;
  let notices: TicketNotices;
  let browser: Browser;
  let baseUrl: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (scripts/bootstrap.mjs installs it)`);
    const placeholder = await createApiWorld();
    // The listener needs the database URL, which exists only once the world does: rebuild the app with the live routes.
    notices = listenForTicketNotices(placeholder.db.url, createLogger('dispatch-test', 'silent'));
    await placeholder.app.close();
    world = { ...placeholder, ...(await rebuild(placeholder, notices)) };
    await world.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    await notices?.close();
    await world?.app.close();
    await world?.close();
  });

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ ...devices['Pixel 5'], locale: 'zh-CN', baseURL: baseUrl, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    return page;
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto('/app/');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#map');
  }

  it('a worker gets a pushed ticket, accepts, starts offline, uploads a photo and resolves; a supervisor verifies; the trail shows every step', async () => {
    const worker = await phone();
    await signIn(worker, 'w-a');
    assert.equal(await worker.textContent('h2'), '我的工单', 'Chinese by default');
    assert.equal(await worker.locator('li.ticket').count(), 0);

    const incident = await openIncident(world.pool);
    const snapshot = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#775544' } }).jpeg().toBuffer();
    const snapshotId = uuidv7();
    await world.pool.query('INSERT INTO snapshots (snapshot_id, sha256, bytes) VALUES ($1, $2, $3)', [snapshotId, snapshotId.replace(/-/g, ''), snapshot]);
    await world.pool.query('UPDATE incidents SET best_snapshot_id = $1 WHERE incident_id = $2', [snapshotId, incident.incident.incidentId]);
    const created = await handleIncidentEvent(world.deps, incident);
    assert.ok(created.kind === 'created' && created.assigneeId === 'w-a');

    const item = worker.locator(`li.ticket[data-ticket-id="${created.ticketId}"]`);
    await item.waitFor({ timeout: 15_000 });
    assert.match((await item.textContent()) ?? '', /井盖缺失.*P1.*待接单.*接单剩余 \d+:\d\d/);

    await item.click();
    const evidence = worker.locator('figure img[alt="发现时截图"]');
    await evidence.waitFor();
    await worker.waitForFunction("document.querySelector('figure img')?.naturalWidth === 160");
    await worker.click('button[data-action=accept]');
    await worker.waitForSelector('button[data-action=start]');

    await worker.context().setOffline(true);
    await worker.click('button[data-action=start]');
    await worker.waitForSelector('#toast:not([hidden])');
    assert.match((await worker.textContent('#toast')) ?? '', /离线，已排队/);
    assert.equal((await world.pool.query('SELECT status FROM tickets WHERE ticket_id = $1', [created.ticketId])).rows[0].status, 'accepted', 'nothing reached the server while offline');
    await worker.context().setOffline(false);
    await worker.evaluate("window.dispatchEvent(new Event('online'))");
    await worker.waitForSelector('button[data-action=resolve]', { timeout: 20_000 });

    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#336699' } }).jpeg().withExif({ IFD0: { Make: 'PhoneMaker' } }).toBuffer();
    await worker.setInputFiles('input[name=photo]', { name: 'fix.jpg', mimeType: 'image/jpeg', buffer: photo });
    await worker.fill('textarea[name=note]', '已盖好井盖');
    await worker.click('button[data-action=resolve]');
    await worker.waitForFunction("document.querySelector('.detail .status')?.textContent === '待验收'", undefined, { timeout: 60_000 });

    const supervisor = await phone();
    await signIn(supervisor, 's-1');
    await supervisor.click(`li.ticket[data-ticket-id="${created.ticketId}"]`);
    await supervisor.waitForSelector('img.fix-photo');
    await supervisor.click('button[data-action=verify]');
    await supervisor.waitForFunction("document.querySelector('.detail .status')?.textContent === '已验收'", undefined, { timeout: 60_000 });

    const trail = await supervisor.locator('ol.trail li').evaluateAll((items) => items.map((li) => li.getAttribute('data-transition')));
    assert.deepEqual(trail, ['created', 'assigned', 'accepted', 'started', 'resolved', 'verified']);

    await supervisor.click('#lang');
    await supervisor.waitForFunction("document.querySelector('.detail .status')?.textContent === 'Verified'");
  });

  it('shows ops staff the live map of open tickets, updated when a ticket changes', async () => {
    const ops = await phone();
    await ops.goto('/ops/');
    await ops.fill('input[name=username]', 'ops-1');
    await ops.fill('input[name=password]', PASSWORD);
    await ops.click('button[type=submit]');
    await ops.waitForSelector('#opsmap .leaflet-interactive');
    await ops.waitForSelector('[data-status=assigned]');
    const assignedBefore = Number(((await ops.textContent('[data-status=assigned]')) ?? '').replace(/\D/g, ''));
    const created = await handleIncidentEvent(world.deps, await openIncident(world.pool, { kind: 'garbage_pile', lat: 31.2355, lon: 121.4755 }));
    assert.ok(created.kind === 'created');
    await ops.waitForFunction(`document.querySelector('[data-status=assigned]')?.textContent.endsWith(' ${assignedBefore + 1}')`, undefined, { timeout: 15_000 });
    assert.ok((await ops.locator('#opsmap path.leaflet-interactive').count()) >= 2, 'cell polygons and ticket markers are drawn without any tiles');
  });

  it('serves an installable app: manifest, service worker and icon', async () => {
    const page = await phone();
    const manifest = await (await page.request.get('/app/manifest.webmanifest')).json();
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.lang, 'zh-CN');
    assert.equal((await page.request.get('/app/sw.js')).status(), 200);
    assert.equal((await page.request.get(manifest.icons[0].src)).status(), 200);
    assert.equal((await page.request.get('/vendor/leaflet/leaflet.js')).status(), 200);
  });
});

async function rebuild(world: ApiWorld, notices: TicketNotices): Promise<Pick<ApiWorld, 'app'>> {
  const { buildHttpServer } = await import('../../src/adapters/http/server.js');
  const app = await buildHttpServer({ workflows: world.deps, tokens: world.tokens, sessions: world.sessions, photoMaxBytes: 8 * 1024 * 1024, publicUrl: '', logger: createLogger('dispatch-test', 'silent'), plugins: [streamRoute(notices, world.pool), webAppRoutes()] });
  return { app };
}
