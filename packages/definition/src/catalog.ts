/**
 * The activity names every Weft server has (the guaranteed catalog).
 * The catalog with its input schemas lives in `@weft/activities`; these names let the
 * examples and tests be validated without it.
 */
export const GUARANTEED_ACTIVITY_NAMES = [
  "util.echo",
  "util.sleep",
  "util.flaky",
  "util.fail",
  "http.request",
  "notify.send",
  "video.virusScan",
  "video.copyFile",
  "video.extractMetadata",
  "video.transcode",
  "video.thumbnail",
  "video.analytics",
  "video.detectVoice",
  "order.save",
  "order.createPdf",
  "order.createVideo",
  "order.sendEmail",
  "order.notApproved",
] as const;

export type GuaranteedActivityName = (typeof GUARANTEED_ACTIVITY_NAMES)[number];
