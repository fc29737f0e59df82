import { describe, expect, it } from "vitest"
import { isInternalHost } from "@/lib/storage-check"

describe("isInternalHost", () => {
  it.each([
    "localhost",
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.10",
    "169.254.1.1",
    "::1",
    "[::1]",
    "fd00::1",
    "minio",
    "s3.internal",
    "rgw.svc.cluster.local",
    "nas.lan",
    "app.localhost",
  ])("%s is internal", (host) => expect(isInternalHost(host)).toBe(true))
  it.each([
    "s3.amazonaws.com",
    "valet-bucket.s3.eu-central-1.amazonaws.com",
    "172.32.0.1",
    "8.8.8.8",
    "files.example.com",
    "2001:db8::1",
  ])("%s is public", (host) => expect(isInternalHost(host)).toBe(false))
})
