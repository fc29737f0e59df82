/** A key whose bow is a cloud: storage access handed out, never the bytes. */
export function ValetLogo({ className }: { className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden="true"
    >
      <circle cx="8" cy="8" r="5" />
      <path d="M11.5 11.5 21 21" />
      <path d="m17 17 2-2" />
      <path d="m14.5 14.5 2-2" />
    </svg>
  )
}
