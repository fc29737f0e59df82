import { BlockList, isIP } from "node:net"

/**
 * Addresses a webhook must never reach: the server's own machine, its private networks and the
 * cloud metadata service. Checked on the address actually connected to, at delivery time.
 */
const blocked = new BlockList()
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", incl. the unspecified address
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. 169.254.169.254 metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4")
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64 maps onto IPv4, internal ones included
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6")
}

/** An IPv6 literal as eight 16-bit groups (a trailing dotted IPv4 becomes the last two). */
function ipv6Groups(address: string): number[] {
  let text = address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = "", tail] = text.split("::")
  const parse = (part: string) => (part ? part.split(":").map((group) => parseInt(group, 16)) : [])
  const headGroups = parse(head)
  const tailGroups = tail === undefined ? [] : parse(tail)
  return [...headGroups, ...Array<number>(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups]
}

/** Whether an IP literal is loopback, private, link-local, unspecified, multicast or reserved. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "")
  const family = isIP(bare)
  if (family === 4) return blocked.check(bare, "ipv4")
  if (family !== 6) return true
  const groups = ipv6Groups(bare.toLowerCase())
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms reach the IPv4
  // address: judge that one.
  if (groups.slice(0, 5).every((group) => group === 0) && (groups[5] === 0xffff || groups[5] === 0)) {
    const [high = 0, low = 0] = groups.slice(6)
    if (groups[5] === 0xffff || high !== 0) {
      return blocked.check([high >> 8, high & 255, low >> 8, low & 255].join("."), "ipv4")
    }
  }
  return blocked.check(bare, "ipv6")
}
