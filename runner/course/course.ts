// The course manifest (course.json): lessons in order, the exercises each one
// pairs with, and each exercise's files and hints. Validated with zod, and
// checked against the tree so it lists only what exists.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lowercase words joined by dashes");

export const exerciseSchema = z
  .object({
    id,
    title: z.string().min(1),
    /** The lesson that teaches it. */
    lesson: id,
    /** One line: what the learner builds. */
    summary: z.string().min(1),
    /** Files the learner edits, relative to exercises/<folder>/ (the first is the main one). */
    files: z.array(z.string().min(1)).min(1),
    /** Progressive hints, gentlest first. */
    hints: z.array(z.string().min(1)).min(1),
    /**
     * The folder under exercises/ and solutions/ that this exercise grades;
     * its id when absent. Exercises that share a folder are the stages of one
     * worksheet, in course order (the Raft track grows one raft.ts): each
     * stage's part of a shared file sits between `// #region <id>` and
     * `// #endregion <id>` lines (see worksheet.ts).
     */
    folder: id.optional(),
  })
  .strict();

export const lessonSchema = z
  .object({
    id: z.string().regex(/^\d\d-[a-z0-9-]+$/, "lesson ids look like 00-the-lab"),
    title: z.string().min(1),
    file: z.string().min(1),
    exercises: z.array(id),
  })
  .strict();

export const courseSchema = z
  .object({
    version: z.literal(1),
    title: z.string().min(1),
    lessons: z.array(lessonSchema).min(1),
    exercises: z.array(exerciseSchema),
  })
  .strict();

export type Course = z.infer<typeof courseSchema>;
export type Lesson = z.infer<typeof lessonSchema>;
export type Exercise = z.infer<typeof exerciseSchema>;

export class CourseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CourseError";
  }
}

/**
 * A learner's copy of the course (`faultline classroom template`) has no
 * solutions/ (and no mutants, which are edits of solutions): the instructor
 * withheld the answers. Everything else works as usual.
 */
export function answersWithheld(root: string): boolean {
  return !existsSync(join(root, "solutions"));
}

/** What the exercise screen's s says in a copy without answers (one line at 60 columns). */
export const WITHHELD_SHORT = "Your instructor withheld the reference solutions.";

/** What `faultline solution` says in a copy without answers. */
export const WITHHELD_MESSAGE = "Your instructor has withheld the reference solutions from this copy of the course, so there is none to show. Your passing code is an answer too: compare it with a classmate's, or ask your instructor.";

/** Parses and validates course data, then checks that every file it names exists under `root`. */
export function validateCourse(data: unknown, root: string): Course {
  const r = courseSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new CourseError(`course.json: ${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  const c = r.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const l of c.lessons) {
    if (seen.has(l.id)) problems.push(`lesson ${l.id} is listed twice`);
    seen.add(l.id);
    if (!existsSync(join(root, l.file))) problems.push(`lesson ${l.id}: ${l.file} does not exist`);
    for (const e of l.exercises) if (!c.exercises.some((x) => x.id === e)) problems.push(`lesson ${l.id} lists exercise ${e}, which is not in "exercises"`);
  }
  const ids = new Set<string>();
  const withheld = answersWithheld(root);
  for (const e of c.exercises) {
    if (ids.has(e.id)) problems.push(`exercise ${e.id} is listed twice`);
    ids.add(e.id);
    const lesson = c.lessons.find((l) => l.id === e.lesson);
    if (!lesson) problems.push(`exercise ${e.id}: lesson ${e.lesson} is not in "lessons"`);
    else if (!lesson.exercises.includes(e.id)) problems.push(`exercise ${e.id}: lesson ${e.lesson} does not list it`);
    for (const dir of withheld ? ["exercises"] : ["exercises", "solutions"])
      for (const f of e.files) if (!existsSync(join(root, dir, exerciseFolder(e), f))) problems.push(`exercise ${e.id}: ${dir}/${exerciseFolder(e)}/${f} does not exist`);
    if (!existsSync(join(root, "runner", "suites", `${e.id}.test.ts`))) problems.push(`exercise ${e.id}: runner/suites/${e.id}.test.ts does not exist`);
    if (!withheld && !existsSync(join(root, "runner", "mutants", `${e.id}.ts`))) problems.push(`exercise ${e.id}: runner/mutants/${e.id}.ts does not exist`);
  }
  for (const e of c.exercises) {
    const folder = exerciseFolder(e);
    // A folder named after another exercise would be graded as two things at once.
    const owner = c.exercises.find((x) => x.id === folder && x !== e);
    if (owner && exerciseFolder(owner) !== folder) problems.push(`exercise ${e.id} grades folder ${folder}, which belongs to exercise ${folder}`);
  }
  if (problems.length) throw new CourseError(`course.json does not match the files:\n- ${problems.join("\n- ")}`);
  return c;
}

export function loadCourse(root: string): Course {
  const file = join(root, "course.json");
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CourseError(`Could not read ${file}: ${(e as Error).message}`);
  }
  return validateCourse(data, root);
}

/** Exercises in course order (the order lessons list them). */
export function exercisesInOrder(c: Course): Exercise[] {
  return c.lessons.flatMap((l) => l.exercises.map((id) => c.exercises.find((e) => e.id === id)!));
}

/** The folder under exercises/ and solutions/ that `e` grades. */
export function exerciseFolder(e: Pick<Exercise, "id" | "folder">): string {
  return e.folder ?? e.id;
}

/**
 * The stages of the worksheet `e` belongs to: the exercises that share its
 * folder, in course order. One element (e itself) for an exercise of its own.
 */
export function worksheetStages(c: Course, e: Exercise): Exercise[] {
  return exercisesInOrder(c).filter((x) => exerciseFolder(x) === exerciseFolder(e));
}

export function findExercise(c: Course, exId: string): Exercise | undefined {
  return c.exercises.find((e) => e.id === exId);
}

export function findLesson(c: Course, lessonId: string): Lesson | undefined {
  return c.lessons.find((l) => l.id === lessonId || l.id.slice(3) === lessonId || l.id.slice(0, 2) === lessonId);
}
