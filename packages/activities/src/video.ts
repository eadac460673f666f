import { z } from "zod";
import type { ActivityDefinition } from "./define-activity.js";
import { defineDemoStep, fileNameOf, stableHash, stemOf } from "./demo-step.js";
import type { DemoOptions } from "./demo-step.js";

const CATEGORY = "Video demo";

const url = z.string().optional().describe("Where the uploaded video is, e.g. https://uploads.example.com/clip.mp4.");
const file = z
  .union([z.string(), z.looseObject({ path: z.string().describe("The copied file's path.") })])
  .optional()
  .describe("The copied file: the output of Copy file, or its path.");
const metadata = z
  .looseObject({ durationSeconds: z.number().optional().describe("The video's length in seconds.") })
  .optional()
  .describe("The output of Extract metadata.");

const path = z.string().describe("Where the file is on the media server.");
const bytes = z.number().int().describe("File size in bytes.");

/** The file a step works on: the copied path if there is one, else the uploaded URL. */
function sourceName(input: { url?: string | undefined; file?: string | { path: string } | undefined }): string {
  const copied = typeof input.file === "string" ? input.file : input.file?.path;
  return fileNameOf(copied ?? input.url, "video.mp4");
}

function sourceBytes(name: string): number {
  return 50_000_000 + (stableHash(name) % 450_000_000);
}

function resolutionOf(value: number | string): number {
  return typeof value === "number" ? value : Number.parseInt(value, 10);
}

export function createVideoActivities(options: DemoOptions): ActivityDefinition[] {
  return [
    virusScan(options),
    copyFile(options),
    extractMetadata(options),
    transcode(options),
    thumbnail(options),
    analytics(options),
    detectVoice(options),
  ];
}

function virusScan(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.virusScan",
      title: "Virus scan",
      description: "Scans the uploaded video for malware (demo: takes about 0.8 s and finds nothing).",
      category: CATEGORY,
      fields: { url, file },
      output: z.object({
        clean: z.boolean().describe("True when no threat was found."),
        threats: z.array(z.string()).describe("Names of the threats found."),
        scannedBytes: bytes,
        scanner: z.string().describe("The scanner and its signature version."),
      }),
      durationMs: 800,
      failure: "Virus scanner unavailable",
      result: (input) => {
        const name = sourceName(input);
        return { clean: true, threats: [], scannedBytes: sourceBytes(name), scanner: "WeftScan 2.4 (demo signatures 2024.11)" };
      },
    },
    options,
  );
}

function copyFile(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.copyFile",
      title: "Copy file",
      description: "Copies the uploaded video to the media server (demo: about 0.6 s).",
      category: CATEGORY,
      fields: { url, name: z.string().optional().describe("The file name to store it under (default: the URL's file name).") },
      output: z.object({ path, bytes }),
      durationMs: 600,
      failure: "File server timed out",
      result: (input) => {
        const name = fileNameOf(input.name ?? input.url, "video.mp4");
        return { path: `/media/${name}`, bytes: sourceBytes(name) };
      },
    },
    options,
  );
}

function extractMetadata(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.extractMetadata",
      title: "Extract metadata",
      description: "Reads the video's length, size, codec and frame rate (demo: about 0.4 s).",
      category: CATEGORY,
      fields: { url, file },
      output: z.object({
        durationSeconds: z.number().describe("Length in seconds."),
        width: z.number().int().describe("Width in pixels."),
        height: z.number().int().describe("Height in pixels."),
        codec: z.string().describe("Video codec."),
        frameRate: z.number().describe("Frames per second."),
        bytes,
      }),
      durationMs: 400,
      failure: "Metadata service unavailable",
      result: (input) => {
        const name = sourceName(input);
        const hash = stableHash(name);
        return {
          durationSeconds: 30 + (hash % 570),
          width: 1920,
          height: 1080,
          codec: "h264",
          frameRate: hash % 2 === 0 ? 30 : 25,
          bytes: sourceBytes(name),
        };
      },
    },
    options,
  );
}

function transcode(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.transcode",
      title: "Transcode",
      description: "Transcodes the video to one resolution (demo: 1.5 s plus 1 ms per line of resolution).",
      category: CATEGORY,
      fields: {
        resolution: z
          .union([z.number().int().positive(), z.string().regex(/^\d+p?$/i)])
          .describe('Target height in pixels, e.g. 1080 or "720p".'),
        url,
        file,
      },
      output: z.object({ resolution: z.number().int().describe("Height in pixels."), path, bytes }),
      durationMs: (input) => 1500 + resolutionOf(input.resolution),
      failure: "Transcoder busy",
      result: (input) => {
        const name = sourceName(input);
        const resolution = resolutionOf(input.resolution);
        return {
          resolution,
          path: `/media/${stemOf(name)}-${resolution}p.mp4`,
          bytes: Math.round(sourceBytes(name) * 0.6 * (resolution / 1080) ** 2),
        };
      },
    },
    options,
  );
}

function thumbnail(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.thumbnail",
      title: "Make thumbnail",
      description: "Renders a still picture of the video (demo: about 0.5 s).",
      category: CATEGORY,
      fields: { url, file, atSecond: z.number().min(0).optional().describe("Which moment to show, in seconds (default 3).") },
      output: z.object({
        path,
        width: z.number().int().describe("Width in pixels."),
        height: z.number().int().describe("Height in pixels."),
        atSecond: z.number().describe("The moment shown, in seconds."),
      }),
      durationMs: 500,
      failure: "Thumbnail renderer crashed",
      result: (input) => ({
        path: `/media/${stemOf(sourceName(input))}.jpg`,
        width: 320,
        height: 180,
        atSecond: input.atSecond ?? 3,
      }),
    },
    options,
  );
}

function analytics(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.analytics",
      title: "Video analytics",
      description: "Finds scenes and labels in the video (demo: about 0.7 s).",
      category: CATEGORY,
      fields: { url, file, metadata },
      output: z.object({
        scenes: z.number().int().describe("Number of scene cuts."),
        labels: z.array(z.string()).describe("What the video shows."),
        averageBrightness: z.number().describe("From 0 (black) to 1 (white)."),
      }),
      durationMs: 700,
      failure: "Analytics service unavailable",
      result: (input) => {
        const hash = stableHash(sourceName(input));
        const seconds = input.metadata?.durationSeconds ?? 30 + (hash % 570);
        const labels = ["outdoor", "people", "city", "nature", "music", "text", "animal", "vehicle"];
        return {
          scenes: Math.max(1, Math.round(seconds / (8 + (hash % 7)))),
          labels: [labels[hash % labels.length] ?? "outdoor", labels[(hash >>> 3) % labels.length] ?? "people"].filter(
            (label, index, all) => all.indexOf(label) === index,
          ),
          averageBrightness: Math.round(((hash % 1000) / 1000) * 100) / 100,
        };
      },
    },
    options,
  );
}

function detectVoice(options: DemoOptions) {
  return defineDemoStep(
    {
      name: "video.detectVoice",
      title: "Detect voice",
      description: "Detects speech in the video and its language (demo: about 0.9 s).",
      category: CATEGORY,
      fields: { url, file, metadata },
      output: z.object({
        voiceDetected: z.boolean().describe("True when someone speaks."),
        language: z.string().nullable().describe("The spoken language (BCP 47), or null."),
        speechSeconds: z.number().describe("Seconds of speech."),
      }),
      durationMs: 900,
      failure: "Voice detector busy",
      result: (input) => {
        const hash = stableHash(`voice:${sourceName(input)}`);
        const seconds = input.metadata?.durationSeconds ?? 30 + (hash % 570);
        const voiceDetected = hash % 4 !== 0;
        const languages = ["en", "de", "fr", "es", "ja"];
        return {
          voiceDetected,
          language: voiceDetected ? (languages[hash % languages.length] ?? "en") : null,
          speechSeconds: voiceDetected ? Math.round(seconds * (0.3 + (hash % 60) / 100)) : 0,
        };
      },
    },
    options,
  );
}
