// The interactive runner: one Ink app that moves between the course map,
// the lesson reader and the exercise screen. It owns the terminal while it
// runs (alternate screen, so quitting leaves the shell as it was).

import { render, Text, useApp } from "ink";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { exercisesInOrder, findExercise, findLesson } from "../course/course.ts";
import { courseMap, type MapItem } from "../course/map.ts";
import { Home } from "./home.tsx";
import type { Services } from "./services.ts";
import { useSize } from "./lines.tsx";
import { registerInk } from "./terminal.ts";

// The reader and the exercise screen (markdown-it, highlight.js) load after
// the first frame, so the course map appears as fast as Ink allows.
const loadLesson = () => import("./lesson-route.tsx");
const loadWatch = () => import("./watch.tsx");
const LessonRoute = lazy(() => loadLesson().then((m) => ({ default: m.LessonRoute })));
const Watch = lazy(() => loadWatch().then((m) => ({ default: m.Watch })));

export type Route = { screen: "home"; focus?: MapItem | null } | { screen: "lesson"; id: string } | { screen: "watch"; id: string };


export function App({ services, initial, notice }: { services: Services; initial: Route; notice?: string | null }) {
  const { exit } = useApp();
  const { width, height } = useSize();
  // Ink redraws the whole screen when a frame is as tall as the terminal: keep one row spare.
  const h = Math.max(8, height - 1);
  const [stack, setStack] = useState<Route[]>([initial]);
  const [tick, setTick] = useState(0);
  const route = stack.at(-1)!;
  const push = (r: Route) => setStack((s) => [...s, r]);
  const back = () => {
    if (stack.length <= 1) exit();
    else {
      setStack((s) => s.slice(0, -1));
      setTick((t) => t + 1);
    }
  };
  const c = services.course;
  useEffect(() => {
    // Warm the other screens once the first frame is out.
    const t = setTimeout(() => void Promise.all([loadLesson(), loadWatch()]).catch(() => {}), 50);
    return () => clearTimeout(t);
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const map = useMemo(() => courseMap(c, services.progress()), [c, tick, route]);

  if (route.screen === "home") {
    return (
      <Home
        map={map}
        title={c.title}
        width={width}
        height={h}
        initial={route.focus ?? null}
        notice={notice ?? null}
        onQuit={exit}
        onOpen={(item) => {
          setStack((s) => [{ screen: "home", focus: item }, ...s.slice(1)]);
          push(item.kind === "lesson" ? { screen: "lesson", id: item.id } : { screen: "watch", id: item.id });
        }}
      />
    );
  }
  if (route.screen === "lesson") {
    const lesson = findLesson(c, route.id)!;
    return (
      <Suspense fallback={<Text dimColor>Opening {lesson.id}…</Text>}>
        <LessonRoute key={lesson.id} services={services} lessonId={lesson.id} width={width} height={h} onBack={back} onOpenExercise={(id) => push({ screen: "watch", id })} />
      </Suspense>
    );
  }
  const exercise = findExercise(c, route.id)!;
  const exercises = map.lessons.flatMap((l) => l.exercises);
  return (
    <Suspense fallback={<Text dimColor>Opening {exercise.id}…</Text>}>
      <Watch
        key={exercise.id}
        services={services}
        exercise={exercise}
        width={width}
        height={h}
        exercises={exercises}
        onBack={back}
        onProgress={() => setTick((t) => t + 1)}
        onOpenExercise={(id) => {
          setStack((s) => [...s.slice(0, -1), { screen: "watch", id }]);
          setTick((t) => t + 1);
        }}
      />
    </Suspense>
  );
}

const ALT_ON = "\u001b[?1049h\u001b[H";
const ALT_OFF = "\u001b[?1049l";

/** Runs the TUI until the learner quits; resolves with the exit code. */
export async function runTui(services: Services, initial: Route, opts: { notice?: string | null } = {}): Promise<number> {
  const out = process.stdout;
  out.write(ALT_ON);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write("\u001b[?25h" + ALT_OFF);
  };
  process.once("exit", restore);
  try {
    const app = render(<App services={services} initial={initial} notice={opts.notice ?? null} />, { exitOnCtrlC: true, patchConsole: true });
    registerInk(app);
    await app.waitUntilExit();
    registerInk(null);
    app.cleanup();
    return 0;
  } finally {
    restore();
    process.off("exit", restore);
  }
}

export { exercisesInOrder };
