// The journeys, in the order they run. Add a journey: write a module that
// exports { name, run(t) } beside this file and list it here.

import directory from './directory.mjs';
import keyboard from './keyboard.mjs';
import notFound from './not-found.mjs';

export default [directory, keyboard, notFound];
