const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** Standard geohash (Niemeyer 2008): interleaved longitude/latitude bisection bits, base32. */
export function encodeGeohash(lat: number, lon: number, precision: number): string {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new RangeError(`latitude ${lat} is outside -90..90`);
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw new RangeError(`longitude ${lon} is outside -180..180`);
  if (!Number.isInteger(precision) || precision < 1 || precision > 12) throw new RangeError(`precision ${precision} is outside 1..12`);
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let hash = '';
  let bits = 0;
  let bitCount = 0;
  let lonTurn = true;
  while (hash.length < precision) {
    if (lonTurn) {
      const mid = (lonLo + lonHi) / 2;
      bits = (bits << 1) | (lon >= mid ? 1 : 0);
      if (lon >= mid) lonLo = mid;
      else lonHi = mid;
    } else {
      const mid = (latLo + latHi) / 2;
      bits = (bits << 1) | (lat >= mid ? 1 : 0);
      if (lat >= mid) latLo = mid;
      else latHi = mid;
    }
    lonTurn = !lonTurn;
    if (++bitCount === 5) {
      hash += BASE32[bits];
      bits = 0;
      bitCount = 0;
    }
  }
  return hash;
}
