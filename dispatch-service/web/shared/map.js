/* global L */
// Leaflet without a tile layer: no tile server is reachable, so the map is the grid cells and the tickets themselves.
const PRIORITY_COLOURS = { P1: '#d7263d', P2: '#f46036', P3: '#2e86ab', P4: '#6c757d' };

export function createMap(container) {
  // SVG rather than canvas: a district's few hundred tickets draw fast either way, and SVG markers are real elements (clickable, testable).
  const map = L.map(container, { zoomControl: true, attributionControl: false });
  map.setView([31.23, 121.47], 14);
  const cells = L.geoJSON(undefined, { style: { color: '#555', weight: 1, fillColor: '#9bc1bc', fillOpacity: 0.15 } }).addTo(map);
  const tickets = L.layerGroup().addTo(map);
  return {
    map,
    showCells(collection, focusCellId) {
      cells.clearLayers();
      cells.addData(collection);
      cells.eachLayer((layer) => {
        const id = layer.feature?.properties?.cellId;
        layer.bindTooltip(`${layer.feature?.properties?.name ?? id}`);
        if (id === focusCellId) layer.setStyle({ color: '#222', weight: 2, fillOpacity: 0.3 });
      });
    },
    showTickets(list, onSelect) {
      tickets.clearLayers();
      for (const ticket of list) {
        const marker = L.circleMarker([ticket.location.lat, ticket.location.lon], {
          radius: ticket.priority === 'P1' ? 9 : 7,
          color: '#fff',
          weight: 2,
          fillColor: PRIORITY_COLOURS[ticket.priority] ?? '#333',
          fillOpacity: 0.95,
        });
        marker.on('click', () => onSelect?.(ticket));
        marker.addTo(tickets);
      }
    },
    fit(focusCellId) {
      const bounds = L.latLngBounds([]);
      tickets.eachLayer((m) => bounds.extend(m.getLatLng()));
      cells.eachLayer((layer) => {
        if (!focusCellId || layer.feature?.properties?.cellId === focusCellId) bounds.extend(layer.getBounds());
      });
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    },
  };
}
