/** Validating a WebRTC SDP offer and building the answer the real /v1/realtime/calls returns. */

interface MediaSection {
  kind: string;
  /** The m= line's payload types (or "webrtc-datachannel"). */
  formats: string[];
  proto: string;
  attrs: Map<string, string[]>;
}

export interface SdpOffer {
  session: Map<string, string[]>;
  media: MediaSection[];
}

export type SdpParse = { ok: true; offer: SdpOffer } | { ok: false; message: string };

const LINE = /^([a-z])=(.*)$/;

export function parseOffer(text: string): SdpParse {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, message: 'The SDP offer is empty.' };
  if (lines[0] !== 'v=0') return { ok: false, message: "Invalid SDP offer: it must start with 'v=0'." };
  const session = new Map<string, string[]>();
  const media: MediaSection[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) return { ok: false, message: `Invalid SDP offer: malformed line '${line.slice(0, 60)}'.` };
    const [, type, value] = m as unknown as [string, string, string];
    if (type === 'm') {
      const [kind, , proto, ...formats] = value.split(' ');
      if (!kind || !proto || formats.length === 0)
        return { ok: false, message: `Invalid SDP offer: malformed media line 'm=${value}'.` };
      media.push({ kind, proto, formats, attrs: new Map() });
      continue;
    }
    if (media.length === 0) seen.add(type);
    if (type !== 'a') continue;
    const colon = value.indexOf(':');
    const name = colon < 0 ? value : value.slice(0, colon);
    const arg = colon < 0 ? '' : value.slice(colon + 1);
    const target = media.length === 0 ? session : media[media.length - 1]!.attrs;
    const list = target.get(name);
    if (list) list.push(arg);
    else target.set(name, [arg]);
  }
  for (const t of ['o', 's', 't'])
    if (!seen.has(t)) return { ok: false, message: `Invalid SDP offer: missing the '${t}=' line.` };
  const audio = media.find((s) => s.kind === 'audio');
  if (!audio)
    return { ok: false, message: 'Invalid SDP offer: it must contain an audio media section (m=audio).' };
  if (!hasOpus(audio))
    return { ok: false, message: 'Invalid SDP offer: the audio section does not offer opus/48000/2.' };
  for (const s of media) {
    const get = (name: string): string | undefined => s.attrs.get(name)?.[0] ?? session.get(name)?.[0];
    if (!get('ice-ufrag') || !get('ice-pwd'))
      return { ok: false, message: `Invalid SDP offer: the ${s.kind} section has no ice-ufrag/ice-pwd.` };
    if (!get('fingerprint'))
      return { ok: false, message: `Invalid SDP offer: the ${s.kind} section has no DTLS fingerprint.` };
    if (!s.attrs.get('mid')?.[0])
      return { ok: false, message: `Invalid SDP offer: the ${s.kind} section has no a=mid.` };
  }
  return { ok: true, offer: { session, media } };
}

function opusPayload(s: MediaSection): string | undefined {
  for (const map of s.attrs.get('rtpmap') ?? []) {
    const [pt, codec] = map.split(' ');
    if (pt && codec?.toLowerCase() === 'opus/48000/2' && s.formats.includes(pt)) return pt;
  }
  return undefined;
}

function hasOpus(s: MediaSection): boolean {
  return opusPayload(s) !== undefined;
}

export interface AnswerIdentity {
  /** Numeric session id for the o= line. */
  sessionId: string;
  iceUfrag: string;
  icePwd: string;
  /** 32 bytes as colon-separated upper-case hex. */
  fingerprint: string;
}

const DIRECTION: Record<string, string> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/** The answer: mirrors the offer's m-lines and mids, bundles what it accepts, answers opus and the data channel. */
export function buildAnswer(offer: SdpOffer, id: AnswerIdentity): string {
  const out: string[] = ['v=0', `o=- ${id.sessionId} 2 IN IP4 0.0.0.0`, 's=-', 't=0 0'];
  const accepted: string[] = [];
  const sections: string[][] = [];
  let audioTaken = false;
  for (const s of offer.media) {
    const mid = s.attrs.get('mid')![0]!;
    const isAudio = s.kind === 'audio' && !audioTaken;
    const isData = s.kind === 'application' && s.formats.includes('webrtc-datachannel');
    if (!isAudio && !isData) {
      sections.push([
        `m=${s.kind} 0 ${s.proto} ${s.formats[0] ?? '0'}`,
        'c=IN IP4 0.0.0.0',
        `a=mid:${mid}`,
        'a=inactive',
      ]);
      continue;
    }
    accepted.push(mid);
    const setup = s.attrs.get('setup')?.[0] ?? offer.session.get('setup')?.[0] ?? 'actpass';
    const common = [
      'c=IN IP4 0.0.0.0',
      `a=ice-ufrag:${id.iceUfrag}`,
      `a=ice-pwd:${id.icePwd}`,
      `a=fingerprint:sha-256 ${id.fingerprint}`,
      `a=setup:${setup === 'active' ? 'passive' : 'active'}`,
      `a=mid:${mid}`,
    ];
    if (isAudio) {
      audioTaken = true;
      const pt = opusPayload(s)!;
      const dir = DIRECTION[Object.keys(DIRECTION).find((d) => s.attrs.has(d)) ?? 'sendrecv'] ?? 'sendrecv';
      sections.push([
        `m=audio 9 ${s.proto} ${pt}`,
        ...common,
        `a=${dir}`,
        'a=msid:- oai-audio',
        'a=rtcp-mux',
        `a=rtpmap:${pt} opus/48000/2`,
        `a=fmtp:${pt} minptime=10;useinbandfec=1`,
        'a=candidate:1 1 udp 2130706431 127.0.0.1 3478 typ host',
        'a=end-of-candidates',
      ]);
    } else {
      const port = s.attrs.get('sctp-port')?.[0] ?? '5000';
      sections.push([
        `m=application 9 ${s.proto} webrtc-datachannel`,
        ...common,
        `a=sctp-port:${port}`,
        'a=max-message-size:1073741823',
      ]);
    }
  }
  if (accepted.length > 0) out.push(`a=group:BUNDLE ${accepted.join(' ')}`);
  out.push('a=msid-semantic: WMS *');
  for (const s of sections) out.push(...s);
  return out.join('\r\n') + '\r\n';
}
