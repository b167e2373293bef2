/**
 * Keeps the request allow-list current with the installed official SDK: its own type
 * declarations are read with the TypeScript compiler, and every field it declares on the create
 * params (deprecated ones included: the SDK still sends them) must be accepted by the shared
 * list, the gateway's validation and the simulator's. An SDK upgrade that adds a field fails
 * here, naming it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  REQUEST_FIELDS,
  unknownField,
  unknownFieldMessage,
  type RequestEndpoint,
} from '../../../src/core/openai/request-fields.js';
import { PacerError } from '../../../src/core/errors.js';
import { parseRequest } from '../../../src/gateway/validate.js';
import { InvalidRequest, rejectUnknown } from '../../../src/simulator/validate.js';

const sdkDir = path.dirname(createRequire(import.meta.url).resolve('openai'));
const sdkVersion = (
  JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8')) as { version: string }
).version;

/** Where each endpoint's create params live in the SDK, and the exported type to read. */
const SOURCES: Record<RequestEndpoint, { file: string; type: string }> = {
  chat: { file: 'resources/chat/completions/completions.d.ts', type: 'ChatCompletionCreateParams' },
  responses: { file: 'resources/responses/responses.d.ts', type: 'ResponseCreateParams' },
  embeddings: { file: 'resources/embeddings.d.ts', type: 'EmbeddingCreateParams' },
};

interface SdkField {
  name: string;
  deprecated: boolean;
}

/** Top-level properties of the type, over every member of a union (streaming and not). */
function readSdkFields(): Record<RequestEndpoint, SdkField[]> {
  const files = Object.values(SOURCES).map((s) => path.join(sdkDir, s.file));
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const out = {} as Record<RequestEndpoint, SdkField[]>;
  for (const [endpoint, src] of Object.entries(SOURCES) as [RequestEndpoint, (typeof SOURCES)['chat']][]) {
    const file = path.join(sdkDir, src.file);
    const sf = program.getSourceFile(file);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    const symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === src.type);
    if (!symbol)
      throw new Error(`openai@${sdkVersion}: ${src.type} not found in ${src.file}; update SOURCES`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const fields = new Map<string, SdkField>();
    for (const member of type.isUnion() ? type.types : [type]) {
      for (const p of checker.getPropertiesOfType(member)) {
        const deprecated = p.getJsDocTags(checker).some((t) => t.name === 'deprecated');
        const seen = fields.get(p.name);
        fields.set(p.name, { name: p.name, deprecated: deprecated || (seen?.deprecated ?? false) });
      }
    }
    out[endpoint] = [...fields.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  return out;
}

const SDK = readSdkFields();
const ENDPOINTS = Object.keys(SOURCES) as RequestEndpoint[];

/** The smallest body each endpoint takes, so only the field under test can be refused. */
const BASE: Record<RequestEndpoint, Record<string, unknown>> = {
  chat: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
  responses: { model: 'gpt-4o-mini', input: 'hi' },
  embeddings: { model: 'text-embedding-3-small', input: 'hi' },
};

function gatewayRefusal(endpoint: RequestEndpoint, body: Record<string, unknown>): string | undefined {
  try {
    parseRequest(endpoint, Buffer.from(JSON.stringify(body)));
    return undefined;
  } catch (err) {
    return err instanceof PacerError && err.code === 'PACER_UNKNOWN_PARAMETER'
      ? (err.param ?? '')
      : undefined;
  }
}

function simulatorRefusal(endpoint: RequestEndpoint, body: Record<string, unknown>): string | undefined {
  try {
    rejectUnknown(body, endpoint);
    return undefined;
  } catch (err) {
    return err instanceof InvalidRequest && err.code === 'unknown_parameter' ? (err.param ?? '') : undefined;
  }
}

describe(`request fields against the installed openai SDK (${sdkVersion})`, () => {
  it.each(ENDPOINTS)('%s: the SDK declares a plausible set of fields (the reader works)', (endpoint) => {
    const names = SDK[endpoint].map((f) => f.name);
    expect(names).toContain('model');
    expect(names).toContain('input' in BASE[endpoint] ? 'input' : 'messages');
    expect(names.length).toBeGreaterThan(4);
  });

  it.each(ENDPOINTS)('%s: every field the SDK declares is in the allow-list', (endpoint) => {
    const missing = SDK[endpoint].map((f) => f.name).filter((name) => !REQUEST_FIELDS[endpoint].has(name));
    expect(
      missing,
      `openai@${sdkVersion} ${SOURCES[endpoint].type} declares fields src/core/openai/request-fields.ts refuses`,
    ).toEqual([]);
  });

  it.each(ENDPOINTS)('%s: the gateway and the simulator accept every SDK field', (endpoint) => {
    const refused = SDK[endpoint].flatMap((f) => {
      const body = { ...BASE[endpoint], ...(f.name in BASE[endpoint] ? {} : { [f.name]: null }) };
      const gw = gatewayRefusal(endpoint, body);
      const sim = simulatorRefusal(endpoint, body);
      return [
        ...(gw === undefined ? [] : [`gateway: ${gw}`]),
        ...(sim === undefined ? [] : [`simulator: ${sim}`]),
      ];
    });
    expect(refused).toEqual([]);
  });

  it('fields the SDK marks deprecated are still accepted (it still sends them)', () => {
    const deprecated = ENDPOINTS.flatMap((e) =>
      SDK[e].filter((f) => f.deprecated).map((f) => `${e}.${f.name}`),
    );
    // A sanity check on the reader: these have carried @deprecated for several SDK majors.
    expect(deprecated).toEqual(
      expect.arrayContaining(['chat.max_tokens', 'chat.functions', 'chat.function_call']),
    );
    const refused = deprecated.filter((q) => {
      const [endpoint, name] = q.split('.') as [RequestEndpoint, string];
      return !REQUEST_FIELDS[endpoint].has(name);
    });
    expect(refused).toEqual([]);
  });

  it('prompt_cache_options and moderation pass on chat and responses (openai 6.49 sends them)', () => {
    for (const endpoint of ['chat', 'responses'] as const) {
      const body = { ...BASE[endpoint], prompt_cache_options: { ttl: '30m' }, moderation: { model: 'x' } };
      expect(unknownField(endpoint, body)).toBeUndefined();
      expect(gatewayRefusal(endpoint, body)).toBeUndefined();
      expect(simulatorRefusal(endpoint, body)).toBeUndefined();
    }
  });

  it('an unknown field is still a 400 naming it, worded alike by the gateway and the simulator', () => {
    for (const endpoint of ENDPOINTS) {
      const body = { ...BASE[endpoint], bogus_field: 1 };
      expect(gatewayRefusal(endpoint, body)).toBe('bogus_field');
      expect(simulatorRefusal(endpoint, body)).toBe('bogus_field');
      let gwMessage = '';
      try {
        parseRequest(endpoint, Buffer.from(JSON.stringify(body)));
      } catch (err) {
        gwMessage = (err as Error).message;
      }
      expect(gwMessage).toBe(unknownFieldMessage(endpoint, 'bogus_field'));
    }
    expect(unknownFieldMessage('chat', 'foo')).toBe('Unrecognized request argument supplied: foo');
    expect(unknownFieldMessage('responses', 'foo')).toBe("Unknown parameter: 'foo'.");
  });
});
