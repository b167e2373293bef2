import { describe, expect, it } from 'vitest';
import { buildAnswer, parseOffer } from '../../src/simulator/realtime/sdp.js';
import { CHROME_OFFER } from './fixtures/chrome-offer.js';

const id = {
  sessionId: '123',
  iceUfrag: 'abcdEFGH',
  icePwd: 'x'.repeat(24),
  fingerprint: Array(32).fill('AB').join(':'),
};

describe('sdp', () => {
  it('accepts a Chrome offer and answers opus + the data channel, bundled, mids mirrored', () => {
    const parsed = parseOffer(CHROME_OFFER);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const answer = buildAnswer(parsed.offer, id);
    const lines = answer.split('\r\n');
    expect(lines[0]).toBe('v=0');
    expect(answer.endsWith('\r\n')).toBe(true);
    expect(lines).toContain('a=group:BUNDLE 0 1');
    expect(lines).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111');
    expect(lines).toContain('a=rtpmap:111 opus/48000/2');
    expect(lines).toContain('m=application 9 UDP/DTLS/SCTP webrtc-datachannel');
    expect(lines).toContain('a=sctp-port:5000');
    expect(lines.filter((l) => l === 'a=setup:active')).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('a=mid:'))).toEqual(['a=mid:0', 'a=mid:1']);
    expect(lines).toContain(`a=fingerprint:sha-256 ${id.fingerprint}`);
    expect(parseOffer(answer).ok).toBe(true); // the answer is itself well-formed SDP
  });

  it.each([
    ['empty', ''],
    ['no v= first', CHROME_OFFER.replace('v=0\r\n', '')],
    ['no audio', CHROME_OFFER.replace(/m=audio[\s\S]*?(?=m=application)/, '')],
    ['no ice-pwd', CHROME_OFFER.replace(/a=ice-pwd:.*\r\n/g, '')],
    ['no fingerprint', CHROME_OFFER.replace(/a=fingerprint:.*\r\n/g, '')],
    ['no opus', CHROME_OFFER.replace('a=rtpmap:111 opus/48000/2\r\n', '')],
    ['garbage line', CHROME_OFFER.replace('s=-', 'hello world')],
  ])('rejects an offer with %s', (_name, sdp) => {
    expect(parseOffer(sdp).ok).toBe(false);
  });

  it('answers passive to an active offer and mirrors sendonly as recvonly', () => {
    const parsed = parseOffer(
      CHROME_OFFER.replaceAll('a=setup:actpass', 'a=setup:active').replace('a=sendrecv', 'a=sendonly'),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const answer = buildAnswer(parsed.offer, id);
    expect(answer).toContain('a=setup:passive');
    expect(answer).toContain('a=recvonly');
  });
});
