import qrcode from "qrcode-generator"

const QUIET_ZONE = 4

/**
 * A QR code as inline SVG: one path of dark modules, drawn from the matrix rather than injected
 * markup, scaled by CSS. Error correction M survives a phone camera at an angle.
 */
export function QrCode({ value, label, className }: { value: string; label: string; className?: string }) {
  const code = qrcode(0, "M")
  code.addData(value)
  code.make()
  const count = code.getModuleCount()
  let path = ""
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (code.isDark(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`
    }
  }
  const size = count + 2 * QUIET_ZONE
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
      className={className}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
