// The API client shared by the worker app and the ops page: token in localStorage, JSON errors as exceptions.
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

export const session = {
  get() {
    try {
      const value = JSON.parse(localStorage.getItem('gs.session') ?? 'null');
      return value && new Date(value.expiresAt).getTime() > Date.now() ? value : null;
    } catch {
      return null;
    }
  },
  set(value) {
    localStorage.setItem('gs.session', JSON.stringify(value));
  },
  clear() {
    localStorage.removeItem('gs.session');
  },
};

export async function api(path, { method = 'GET', body, form } = {}) {
  const headers = {};
  const current = session.get();
  if (current) headers.authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: form ?? (body !== undefined ? JSON.stringify(body) : undefined) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export async function signIn(username, password) {
  const result = await api('/api/v1/auth/token', { method: 'POST', body: { username, password } });
  session.set(result);
  return result;
}

/** Revokes the token on the server (so a copy of it is worthless too), then forgets it; offline, it is only forgotten. */
export async function signOut() {
  if (session.get()) await api('/api/v1/auth/sign-out', { method: 'POST' }).catch(() => undefined);
  session.clear();
}

/** An element with text content only: ticket data never becomes markup. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
