/**
 * Outbound network safety for webhooks (SSRF guard). A service admin chooses the URL the server POSTs to,
 * so without a guard a tenant could make Vigie call its own loopback, the cloud metadata endpoint
 * (169.254.169.254) or hosts on the private network. Two checks, both here:
 * - at endpoint creation (`checkEndpointUrl`): http(s) only, no credentials, no literal blocked IP, no
 *   `localhost` / `*.localhost` name;
 * - at delivery (`guardedLookup`, used as the socket's DNS lookup): every address the host name resolves
 *   to is checked, and the socket connects only to an address that was checked. A name that resolves to a
 *   private address, or that is re-pointed there after creation (DNS rebinding), is refused at connect time.
 * `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` turns both off (a single-box install, tests); `WEBHOOK_ALLOWED_HOSTS`
 * exempts listed host names, IPs or CIDR ranges.
 */
import dns from 'node:dns';
import net from 'node:net';

/** Why an address is refused; `null` = a public unicast address. */
export type BlockReason =
  | 'unspecified'
  | 'loopback'
  | 'private network'
  | 'link-local'
  | 'unique-local'
  | 'shared address space (CGNAT)'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

type Range = [address: string, prefix: number, reason: BlockReason];

const V4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private network'],
  ['172.16.0.0', 12, 'private network'],
  ['192.168.0.0', 16, 'private network'],
  ['169.254.0.0', 16, 'link-local'], // includes the cloud metadata endpoint 169.254.169.254
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // TEST-NET-1
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // TEST-NET-2
  ['203.0.113.0', 24, 'reserved'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'], // before 240/4, which contains it
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private network'], // deprecated site-local
  ['fc00::', 7, 'unique-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'reserved'], // documentation
  ['100::', 64, 'reserved'], // discard-only
  ['::', 96, 'reserved'], // deprecated IPv4-compatible addresses
];

function rangeLists(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[net.BlockList, BlockReason]> {
  return ranges.map(([address, prefix, reason]) => {
    const list = new net.BlockList();
    list.addSubnet(address, prefix, family);
    return [list, reason];
  });
}

const V4_LISTS = rangeLists(V4_RANGES, 'ipv4');
const V6_LISTS = rangeLists(V6_RANGES, 'ipv6');

/** The 8 16-bit groups of a valid IPv6 address (a dotted IPv4 tail is accepted). */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted?.[1]) {
    const [b0, b1, b2, b3] = dotted[1].split('.').map(Number) as [number, number, number, number];
    a = a.slice(0, -dotted[1].length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  return [...h, ...Array<string>(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address carries, for the forms that reach an IPv4 host: mapped, NAT64, 6to4. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d (IPv4-mapped)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!); // 64:ff9b::/96 (NAT64)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 2002::/16 (6to4)
  return null;
}

/** Why an IP address (v4 or v6, without brackets) must not be connected to, or `null` when it is public. */
export function classifyAddress(address: string): BlockReason | null {
  const family = net.isIP(address);
  if (family === 4) {
    for (const [list, reason] of V4_LISTS) if (list.check(address, 'ipv4')) return reason;
    return null;
  }
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return classifyAddress(v4);
    const bare = address.split('%')[0] as string;
    for (const [list, reason] of V6_LISTS) if (list.check(bare, 'ipv6')) return reason;
    return null;
  }
  return 'reserved'; // not an IP address at all: never connect to it
}

/** A connection refused by the guard: not retried (it will not change without a configuration change). */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  constructor(
    readonly address: string,
    readonly reason: BlockReason,
  ) {
    super(`blocked address ${address} (${reason})`);
    this.name = 'BlockedAddressError';
  }
}

export interface NetGuardOptions {
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: no check at all. */
  allowPrivateNetworks: boolean;
  /** WEBHOOK_ALLOWED_HOSTS: host names (exact, case-insensitive), IP addresses or CIDR ranges that are exempt. */
  allowedHosts: readonly string[];
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

export interface NetGuard {
  readonly options: NetGuardOptions;
  /** Field error reason for an endpoint URL, or `null` when it may be saved. */
  checkEndpointUrl(url: string): string | null;
  /** The block for an IP literal host at delivery time (net.connect does no lookup for those), or `null`. */
  checkAddress(host: string, address: string): BlockedAddressError | null;
  /** dns.lookup that fails with BlockedAddressError when any resolved address is blocked. */
  lookup: LookupFunction;
}

/** `[::1]` → `::1`; a trailing dot of a fully qualified name is dropped; lower case. */
export function bareHost(hostname: string): string {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return h.toLowerCase().replace(/\.$/, '');
}

const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

export function createNetGuard(options: NetGuardOptions): NetGuard {
  const names = new Set<string>();
  const exempt = new net.BlockList();
  for (const raw of options.allowedHosts) {
    const entry = bareHost(raw.trim());
    if (!entry) continue;
    const [ip, prefix] = entry.split('/');
    const family = net.isIP(ip ?? '');
    if (family && prefix !== undefined && /^\d+$/.test(prefix)) exempt.addSubnet(ip as string, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    else if (family) exempt.addAddress(entry, family === 4 ? 'ipv4' : 'ipv6');
    else names.add(entry);
  }
  const exemptAddress = (address: string) => {
    const family = net.isIP(address);
    return family !== 0 && exempt.check(address.split('%')[0] as string, family === 4 ? 'ipv4' : 'ipv6');
  };
  const open = (host: string) => options.allowPrivateNetworks || names.has(bareHost(host));

  function checkAddress(host: string, address: string): BlockedAddressError | null {
    if (open(host) || exemptAddress(address)) return null;
    const reason = classifyAddress(address);
    return reason ? new BlockedAddressError(address, reason) : null;
  }

  return {
    options,
    checkEndpointUrl(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return 'must be an absolute http(s) URL';
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http(s) URL';
      if (u.username !== '' || u.password !== '') return 'must not carry credentials (the signature authenticates Vigie)';
      const host = bareHost(u.hostname);
      if (open(host)) return null;
      if (isLocalhostName(host)) return `must not point to ${host} (a loopback name): webhooks go to the platform over the network`;
      if (net.isIP(host)) {
        const blocked = checkAddress(host, host);
        if (blocked) return `must not point to ${blocked.address}: ${blocked.reason} addresses are not allowed (WEBHOOK_ALLOW_PRIVATE_NETWORKS)`;
      }
      return null;
    },
    checkAddress,
    lookup(hostname, lookupOptions, callback) {
      dns.lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        for (const a of addresses) {
          const blocked = checkAddress(hostname, a.address);
          if (blocked) return callback(blocked, '');
        }
        if (lookupOptions.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        callback(null, first.address, first.family);
      });
    },
  };
}

/** The guard of a configuration (WEBHOOK_ALLOW_PRIVATE_NETWORKS, WEBHOOK_ALLOWED_HOSTS). */
export function netGuardOf(config: { webhookAllowPrivateNetworks: boolean; webhookAllowedHosts: readonly string[] }): NetGuard {
  return createNetGuard({ allowPrivateNetworks: config.webhookAllowPrivateNetworks, allowedHosts: config.webhookAllowedHosts });
}

/** The safe default: everything non-public is blocked. */
export const STRICT_GUARD = createNetGuard({ allowPrivateNetworks: false, allowedHosts: [] });
