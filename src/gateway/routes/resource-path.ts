/** `/v1/<collection>/<id>/<action>` of a request URL: the id (percent-decoded) and the action. */
export interface ResourcePath {
  id: string | undefined;
  action: string | undefined;
}

export function resourcePathOf(url: string | undefined, collection: string): ResourcePath {
  const path = (url ?? '/').split('?')[0]!.replace(/\/+$/, '');
  const rest = path
    .slice(`/v1/${collection}`.length)
    .split('/')
    .filter((p) => p !== '');
  return { id: rest[0] === undefined ? undefined : decode(rest[0]), action: rest[1] };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
