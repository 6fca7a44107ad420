import { XMLBuilder } from 'fast-xml-parser';

export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

/** GeoReport v2 wraps each list in a plural root with one element per item. */
export const OPEN311_XML_ROOTS = {
  services: { root: 'services', item: 'service' },
  requests: { root: 'service_requests', item: 'request' },
  errors: { root: 'errors', item: 'error' },
} as const;
export type Open311XmlList = keyof typeof OPEN311_XML_ROOTS;

export const OPEN311_XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const builder = new XMLBuilder({ format: true, ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true });

type Scalar = string | number | boolean | null | undefined;

/**
 * The XML form of a GeoReport v2 answer: the same fields as the JSON form, as child elements in
 * the same order; a null field is an empty element, as in the spec's examples (`<address_id/>`).
 */
export function open311Xml(list: Open311XmlList, items: ReadonlyArray<Record<string, Scalar>>): string {
  const { root, item } = OPEN311_XML_ROOTS[list];
  const elements = items.map((fields) => Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value ?? ''])));
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, [root]: elements.length > 0 ? { [item]: elements } : '' }) as string;
}

/** `…/requests.xml` → xml; the spec names the format by the file extension of every endpoint. */
export function formatOfUrl(url: string): Open311Format {
  return /\.xml(\?|$)/.test(url) ? 'xml' : 'json';
}
