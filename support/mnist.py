"""What the MNIST scripts share (guide Ⅲ-Ⅴ, the notes page, keras3/'s): the data in the page's pixel scale,
and after training the test set, its accuracy, the report and the figure (the pages evaluate nothing)."""
import numpy as np

from .figures import pyplot, save_whole_figure, write_figure
from .output_files import write_metrics
from .running import stop
from .tensorboard_events import close_writer, scalar

EVAL_BATCH = 1000            # test images per session.run when evaluating (any size works)


def load_mnist(args, validation_size):
    """input_data.read_data_sets, 0-255 bytes; a data problem is one line on stderr and exit 2."""
    from data import input_data
    try:
        return input_data.read_data_sets(args.data_dir, one_hot=True, dtype=np.uint8, seed=args.seed,
                                         validation_size=validation_size)
    except input_data.MnistDataError as e:
        stop(e)


def to_pixels(images, pixels):
    """uint8 images as float32: the values 0-255 (the guide's CSV, raw) or scaled to [0, 1] (unit, as
    TF1's read_data_sets)."""
    images = images.astype(np.float32)
    return images if pixels == "raw" else images * (1.0 / 255.0)


def mnist_test_set(mnist, pixels):
    """The labelled test images (the page's Kaggle test.csv has none), evaluated after training; prints
    the counts and the pixel scale."""
    X_test, y_test = to_pixels(mnist.test.images, pixels).reshape(-1, 28, 28), mnist.test.labels
    print("TRAIN_EXAMPLES = %d, TEST_EXAMPLES = %d, pixels %s" % (
        mnist.train.num_examples, len(X_test), "0-255 (raw)" if pixels == "raw" else "in [0, 1] (unit)"))
    return X_test, y_test


def mnist_accuracy(sess, inputs, logits, images, labels, batch=EVAL_BATCH):
    """Accuracy and predictions over every image given, fed to the inputs placeholder in batches (the
    last may be smaller), the digit read from the logits."""
    predictions = []
    for j in range(0, len(images), batch):
        predictions.append(np.argmax(sess.run(logits, {inputs: images[j:j + batch].reshape(-1, 28, 28)}), 1))
    predictions = np.concatenate(predictions)
    return float(np.mean(predictions == np.argmax(labels, 1))), predictions


def mnist_report(args, device, writer, mnist, test, history, step, trained, wall, title, metrics, saved=None):
    """After the session: the test accuracy, the training speed, the figure, the metrics JSON. test: (images,
    labels, accuracy, predictions); history: (step, loss, accuracy); trained: this run's steps; saved: this
    run's last checkpoint, named if a write fails."""
    images, labels, test_accuracy, predictions = test
    scalar(writer, "test_accuracy", test_accuracy, step)
    close_writer(writer, saved)
    print("test accuracy: %.4f (all %d test images)" % (test_accuracy, len(images)))
    print("trained %d steps in %.1f s, %.0f images/s"
          % (trained, wall, trained * args.batch_size / max(wall, 1e-9)))
    if not args.no_plot:
        save_whole_figure(mnist_figure, args.plot, history, images, labels, predictions, title, args.show, saved)
    metrics.update({
        "steps": int(step), "train_examples": mnist.train.num_examples, "test_examples": len(images),
        "epochs": round(step * args.batch_size / mnist.train.num_examples, 3),
        "wall_seconds": round(wall, 3), "final_train_loss": history[-1][1] if history else None,
        "final_train_accuracy": history[-1][2] if history else None, "test_accuracy": test_accuracy,
        "examples_per_second": round(trained * args.batch_size / max(wall, 1e-9), 1),
        "device": str(device),
    })
    return write_metrics(args.metrics_json, metrics, saved)


def mnist_figure(path, history, images, labels, predictions, title, show, saved=None):
    """Training curves, then the first 24 test digits and up to 12 mistakes, each "predicted (true)"."""
    plt = pyplot(show)
    fig = plt.figure(figsize=(13, 6))
    ax = fig.add_subplot(1, 3, 1)
    if history:
        steps, losses, accus = zip(*history)
        line1 = ax.plot(steps, losses, "b.-", label="training loss")
        ax.set_xlabel("step")
        ax2 = ax.twinx()
        line2 = ax2.plot(steps, accus, "g.-", label="training accuracy (right axis)")
        ax2.set_ylim(0, 1)
        ax.legend(handles=line1 + line2, loc="center right")
    ax.set_title(title, fontsize=9)
    true = np.argmax(labels, 1)
    wrong = np.flatnonzero(predictions != true)
    shown = list(range(min(24, len(true)))) + [i for i in wrong if i >= 24][:12]
    for k, i in enumerate(shown):
        sub = fig.add_subplot(6, 12, (k // 6) * 12 + 7 + k % 6)
        sub.imshow(images[i].reshape(28, 28), cmap="gray_r")
        ok = predictions[i] == true[i]
        sub.set_title("%d (%d)" % (predictions[i], true[i]), fontsize=8, color="black" if ok else "red")
        sub.axis("off")
    fig.text(0.75, 0.01, "test digits: predicted (true); mistakes in red", ha="center", fontsize=9)
    write_figure(fig, path, show, saved)
