import { existsSync } from 'node:fs';
import { loadConfig } from '../../gateway/config.js';
import { DEFAULT_KEYS_DB, openKeyStore, type KeyRecord } from '../../store/keys/key-store.js';
import { parseFlags, UsageError, type Command } from '../command.js';

const usage = `Usage:
  pacer keys create --tenant NAME [--plan NAME]   make a key (printed once; only its hash is stored)
  pacer keys list [--json]                         list keys (id, tenant, plan, created, revoked)
  pacer keys revoke ID                             revoke a key; running gateways refuse it at once

Flags:
  --db PATH        key store (default $PACER_KEYS_DB or ${DEFAULT_KEYS_DB})
  --config FILE    gateway config, to check that the tenant and plan exist (default pacer.yaml if present)`;

function dbPath(flag: unknown): string {
  return typeof flag === 'string' ? flag : (process.env.PACER_KEYS_DB ?? DEFAULT_KEYS_DB);
}

/** With tenants or plans configured, a key for an unknown one is a mistake worth stopping. */
function checkAgainstConfig(configPath: string | undefined, tenant: string, plan: string | undefined): void {
  if (configPath === undefined && !existsSync('pacer.yaml')) return;
  const config = loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), env: process.env });
  const tenants = Object.keys(config.tenants);
  if (tenants.length > 0 && !tenants.includes(tenant))
    throw new UsageError(`tenant "${tenant}" is not in ${config.source}; known: ${tenants.join(', ')}`);
  if (plan !== undefined && !(plan in config.plans))
    throw new UsageError(
      `plan "${plan}" is not in ${config.source}; known: ${Object.keys(config.plans).join(', ') || '(none)'}`,
    );
}

function row(k: KeyRecord): string[] {
  return [
    k.id,
    k.tenant,
    k.plan ?? '-',
    `${k.hint}…`,
    new Date(k.createdAt).toISOString(),
    k.revokedAt ? new Date(k.revokedAt).toISOString() : '-',
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create, list and revoke virtual keys',
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseFlags(
      rest,
      {
        tenant: { type: 'string' },
        plan: { type: 'string' },
        db: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
      },
      true,
    );
    const store = () => openKeyStore(dbPath(values.db));
    if (sub === 'create') {
      const tenant = values.tenant;
      if (typeof tenant !== 'string' || tenant === '')
        throw new UsageError('keys create needs --tenant NAME');
      const plan = typeof values.plan === 'string' ? values.plan : undefined;
      checkAgainstConfig(typeof values.config === 'string' ? values.config : undefined, tenant, plan);
      const s = store();
      try {
        const { key, record } = s.create({ tenant, plan });
        console.log(key);
        console.error(
          `created ${record.id} for tenant ${tenant}${plan ? ` (plan ${plan})` : ''}; the key above is shown only this once`,
        );
      } finally {
        s.close();
      }
      return 0;
    }
    if (sub === 'list') {
      const s = store();
      try {
        const keys = s.list();
        if (values.json) console.log(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) console.log('no keys');
        else console.log(table([['ID', 'TENANT', 'PLAN', 'KEY', 'CREATED', 'REVOKED'], ...keys.map(row)]));
      } finally {
        s.close();
      }
      return 0;
    }
    if (sub === 'revoke') {
      const id = positionals[0];
      if (id === undefined) throw new UsageError('keys revoke needs a key ID (see `pacer keys list`)');
      const s = store();
      try {
        if (!s.revoke(id)) {
          console.error(`pacer keys: no live key with id ${id}`);
          return 1;
        }
        console.log(`revoked ${id}`);
      } finally {
        s.close();
      }
      return 0;
    }
    throw new UsageError(sub === undefined ? 'keys needs a subcommand' : `unknown subcommand "${sub}"`);
  },
};
